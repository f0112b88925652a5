/**
 * FakeServer: an in-process stand-in for a Parley server, reached through a Transport, for
 * deterministic unit tests of the core (dropped links, missing replies, scripted pushes).
 * It speaks the same frames as the real server but keeps no IM rules: each test scripts the
 * commands it needs with `handle()`, and everything else gets a bare OK.
 * Not part of the package's public entry points.
 */
import type { Transport, TransportFactory, TransportHandlers } from '../transports/transport.ts';

type Body = Record<string, unknown>;
export interface FakeFrame {
  head: Body & { servcmd: string; seq?: number };
  body: Body;
}
/** Return a body to reply (ErrorCode defaults to 0), or undefined to stay silent. */
export type FakeHandler = (frame: FakeFrame, link: FakeLink) => Body | undefined;

export class FakeLink {
  readonly received: FakeFrame[] = [];
  open = false;
  constructor(
    readonly url: string,
    private readonly on: TransportHandlers,
    private readonly server: FakeServer,
  ) {}

  /** Server → client frame. */
  push(servcmd: string, body: Body): void {
    if (this.open) this.on.frame(JSON.stringify({ head: { servcmd }, body }));
  }

  reply(frame: FakeFrame, body: Body): void {
    if (this.open) this.on.frame(JSON.stringify({ head: frame.head, body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...body } }));
  }

  /** The server drops the link. */
  drop(code = 1006, reason = ''): void {
    if (!this.open) return;
    this.open = false;
    this.server.links.delete(this);
    this.on.close(code, reason);
  }

  fromClient(text: string): void {
    const frame = JSON.parse(text) as FakeFrame;
    this.received.push(frame);
    this.server.frames.push(frame);
    const h = this.server.handlers.get(frame.head.servcmd);
    const body = h ? h(frame, this) : {};
    if (body !== undefined) this.reply(frame, body);
  }
}

class FakeTransport implements Transport {
  readonly kind = 'websocket';
  link: FakeLink | undefined;
  closed = false;
  constructor(private readonly server: FakeServer) {}

  open(url: string, on: TransportHandlers): void {
    const link = new FakeLink(url, on, this.server);
    this.link = link;
    this.server.attempts++;
    queueMicrotask(() => {
      if (this.closed) return;
      if (this.server.refuse) {
        on.close(1006, 'refused');
        return;
      }
      link.open = true;
      this.server.links.add(link);
      on.open();
    });
  }

  send(frame: string): void {
    if (this.closed || !this.link?.open) return;
    const link = this.link;
    queueMicrotask(() => {
      if (link.open) link.fromClient(frame);
    });
  }

  close(): void {
    this.closed = true;
    if (this.link) {
      this.link.open = false;
      this.server.links.delete(this.link);
    }
  }
}

export class FakeServer {
  readonly handlers = new Map<string, FakeHandler>();
  readonly links = new Set<FakeLink>();
  readonly frames: FakeFrame[] = [];
  attempts = 0;
  /** While true, connection attempts fail. */
  refuse = false;
  readonly transport: TransportFactory = () => new FakeTransport(this);

  constructor() {
    this.handle('im_open_status.wslogin', () => ({ TinyId: '1', A2Key: 'a2', InstId: '7', TimeStamp: Math.floor(Date.now() / 1000), HelloInterval: 30 }));
    this.handle('openim.getmsg', () => ({ Cookie: 's0', SyncFlag: 2, MsgList: [], EventArray: [] }));
    this.handle('recentcontact.page_get', () => ({ CompleteFlag: 1, SessionItem: [] }));
  }

  handle(servcmd: string, h: FakeHandler): this {
    this.handlers.set(servcmd, h);
    return this;
  }

  /** The one open link (throws when there is not exactly one). */
  get link(): FakeLink {
    const [l, ...rest] = [...this.links];
    if (!l || rest.length) throw new Error(`expected one open link, have ${this.links.size}`);
    return l;
  }

  sent(servcmd: string): FakeFrame[] {
    return this.frames.filter((f) => f.head.servcmd === servcmd);
  }
}
