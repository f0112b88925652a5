/**
 * A minimal XMPP c2s client over net.Socket: SASL PLAIN without TLS (loopback only),
 * resource binding, stream management (XEP-0198) for per-message server acks, initial
 * presence, and `<message type='chat'>` to the partner's bare JID.
 *
 * Why stream management: XMPP has no reply to a message, so without it a sender cannot
 * tell that the server took a message; with it, `<r/>` after each message is answered with
 * `<a h='n'/>` (stanzas handled so far). The server asks us the same and we answer, which
 * is the XMPP counterpart of MQTT QoS 1's PUBACK in both directions.
 */
import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { BenchClient, ConnectOptions, Endpoint } from './driver.ts';
import { attr, escapeXml, unescapeXml, XmlStream } from './xml-stream.ts';

const SM = 'urn:xmpp:sm:3';

export async function connectXmpp(ep: Extract<Endpoint, { kind: 'xmpp' }>, user: string, opts: ConnectOptions = {}): Promise<BenchClient> {
  const socket = connect({ host: ep.host, port: ep.port, localAddress: opts.localAddress });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const client = new XmppClient(socket, user, ep.domain);
  if (opts.onMessage) client.onMessage = opts.onMessage;
  await client.login(ep.password);
  return client;
}

class XmppClient implements BenchClient {
  onMessage: (text: string) => void = () => {};
  private readonly parser: XmlStream;
  private readonly decoder = new StringDecoder('utf8');
  private waiter: { match: (xml: string) => boolean; resolve: (xml: string) => void; reject: (e: Error) => void } | undefined;
  /** Stanzas sent since stream management was enabled, and those the server handled. */
  private outbound = 0;
  private acked = 0;
  private inbound = 0;
  private smOn = false;
  private readonly unacked: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private closed: Error | undefined;
  private nextId = 0;

  constructor(
    private readonly socket: Socket,
    readonly user: string,
    private readonly domain: string,
  ) {
    this.parser = new XmlStream({
      onStreamStart: () => {},
      onStanza: (xml) => this.onStanza(xml),
      onStreamEnd: () => socket.end(),
    });
    socket.on('data', (d: Buffer) => this.parser.push(this.decoder.write(d)));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = new Error(`${user}: XMPP connection closed`);
      this.waiter?.reject(this.closed);
      for (const u of this.unacked) u.reject(this.closed);
      this.unacked.length = 0;
    });
  }

  private write(xml: string): void {
    this.socket.write(xml);
  }

  private openStream(): void {
    this.write(`<?xml version='1.0'?><stream:stream to='${this.domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`);
  }

  private next(match: (xml: string) => boolean): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => (this.waiter = { match, resolve, reject }));
  }

  async login(password: string): Promise<void> {
    const features = this.next((x) => x.startsWith('<stream:features'));
    this.openStream();
    await features;
    const auth = this.next((x) => x.startsWith('<success') || x.startsWith('<failure'));
    const token = Buffer.from(`\0${this.user}\0${password}`).toString('base64');
    this.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${token}</auth>`);
    const result = await auth;
    if (!result.startsWith('<success')) throw new Error(`${this.user}: SASL failed: ${result.slice(0, 200)}`);
    this.parser.reset();
    const features2 = this.next((x) => x.startsWith('<stream:features'));
    this.openStream();
    await features2;
    const bound = this.next((x) => x.startsWith('<iq') && attr(x, 'id') === 'bind');
    this.write(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bench</resource></bind></iq>`);
    const bind = await bound;
    if (attr(bind, 'type') !== 'result') throw new Error(`${this.user}: bind failed: ${bind.slice(0, 200)}`);
    const enabled = this.next((x) => x.startsWith('<enabled') || x.startsWith('<failed'));
    this.write(`<enable xmlns='${SM}'/>`);
    if (!(await enabled).startsWith('<enabled')) throw new Error(`${this.user}: stream management refused`);
    this.smOn = true;
    // Initial presence makes the user available: live messages flow and the offline store empties.
    this.write('<presence/>');
    this.outbound++;
  }

  private onStanza(xml: string): void {
    if (xml.startsWith('<message')) {
      this.inbound++;
      const open = xml.indexOf('<body>');
      if (open >= 0) this.onMessage(unescapeXml(xml.slice(open + 6, xml.indexOf('</body>', open))));
      return;
    }
    if (xml.startsWith('<a ') || xml.startsWith('<a/')) {
      this.acked = Number(attr(xml, 'h') ?? this.acked);
      while (this.unacked.length > 0 && this.unacked[0]!.n <= this.acked) this.unacked.shift()!.resolve();
      return;
    }
    if (xml.startsWith('<r ') || xml.startsWith('<r/')) {
      this.write(`<a xmlns='${SM}' h='${this.inbound}'/>`);
      return;
    }
    if (this.smOn && (xml.startsWith('<iq') || xml.startsWith('<presence'))) {
      this.inbound++;
      // Answer pings (and any other request) so the server never times us out.
      if (xml.startsWith('<iq') && (attr(xml, 'type') === 'get' || attr(xml, 'type') === 'set')) {
        this.write(`<iq type='result' id='${escapeXml(attr(xml, 'id') ?? '')}' to='${escapeXml(attr(xml, 'from') ?? this.domain)}'/>`);
        this.outbound++;
      }
    }
    const w = this.waiter;
    if (w && w.match(xml)) {
      this.waiter = undefined;
      w.resolve(xml);
    }
  }

  send(to: string, text: string): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    const n = ++this.outbound;
    const done = new Promise<void>((resolve, reject) => this.unacked.push({ n, resolve, reject }));
    this.write(`<message to='${to}@${this.domain}' type='chat' id='m${++this.nextId}'><body>${escapeXml(text)}</body></message><r xmlns='${SM}'/>`);
    return done;
  }

  async pullOffline(): Promise<void> {
    // The server sends the offline store after the initial presence by itself.
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.write(`<a xmlns='${SM}' h='${this.inbound}'/></stream:stream>`);
      this.socket.end();
      setTimeout(() => (this.socket.destroy(), resolve()), 2000).unref();
    });
  }
}
