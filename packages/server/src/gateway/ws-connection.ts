/**
 * One client WebSocket speaking Tencent's JSON protocol: login, heartbeats, command
 * dispatch and pushes. It holds no IM rules; those are in messaging/ behind the Core.
 */
import { randomInt } from 'node:crypto';
import type WebSocket from 'ws';
import { CloseCode, Cmd, ImError, KickType, PushCmd, type FrameHead } from '@parley/protocol';
import type { BusMessage } from '../bus/bus.ts';
import type { Core } from '../core.ts';
import type { Identity } from '../session/auth.ts';
import { parseSdkAppId } from '../session/auth.ts';
import { platformClass } from '../session/platform.ts';
import type { LiveSession, RenderCache, SessionEnd } from '../session/registry.ts';
import { findCommand, type ClientContext } from './commands.ts';
import { decodeFrame, encodeError, encodePush, encodeReply, isProblem } from './frame-codec.ts';
import { eventsToPushBody } from './tencent-shapes.ts';
import { decodeSyncCookie, encodeSyncCookie } from '../messaging/sync-cookie.ts';
import type { UserEvent } from '../store/store.ts';
import { CatchUpHold } from './catch-up-hold.ts';

/** How long a kicked client may still talk (to log out) before its socket is closed. */
const KICK_CLOSE_DELAY_MS = 1000;

/** Longest a reconnected client's pushes wait for its catch-up pull. */
const CATCH_UP_HOLD_MS = 5000;

/** Malformed frames tolerated before the connection is closed as a protocol violation. */
const MAX_VIOLATIONS = 20;

export interface ConnectionQuery {
  sdkAppId: string | null;
  platform: string | null;
  /** `/binfo` clients decode replies from binary frames only. */
  binary: boolean;
}

export class WsConnection implements LiveSession {
  lastSeen = Date.now();
  private identity: Identity | undefined;
  private ctx: ClientContext | undefined;
  private violations = 0;
  private closed = false;
  private binary: boolean;
  instId = '';
  loginAt = 0;
  platform: number | undefined;
  platformClass = 'web';
  /** Set after a reconnect login until the client's sync pull completes. */
  private hold: CatchUpHold | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly core: Core,
    private readonly query: ConnectionQuery,
    private readonly onClosed: (c: WsConnection) => void,
  ) {
    this.binary = query.binary;
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', () => this.handleClose());
    socket.on('error', (err) => core.log.debug('socket error', { err }));
  }

  get sdkAppId(): number {
    return this.identity?.app.sdkAppId ?? 0;
  }

  get userId(): string {
    return this.identity?.account.userId ?? '';
  }

  get loggedIn(): boolean {
    return this.ctx !== undefined;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    this.binary = isBinary;
    const frame = decodeFrame(data.toString('utf8'), this.core.config.maxFrameBytes, data.length);
    if (isProblem(frame)) {
      this.send(encodeError(frame.head, frame.error));
      if (++this.violations > MAX_VIOLATIONS) this.close(CloseCode.PolicyViolation, 'too many malformed frames');
      return;
    }
    void this.dispatch(frame.head, frame.body);
  }

  private async dispatch(head: FrameHead, body: Record<string, unknown>): Promise<void> {
    try {
      const cmd = head.servcmd;
      if (cmd === Cmd.Heartbeat) return this.reply(head, {});
      if (cmd === Cmd.WsLogin) return this.reply(head, await this.login(head, body));
      if (cmd === Cmd.WsLogout) {
        // Also answered after a kick: Tencent's SDK logs out before reporting KICKED_OUT.
        this.logout();
        return this.reply(head, {});
      }
      const ctx = this.ctx;
      if (!ctx) throw new ImError('AUTH_NOT_LOGGED_IN', `${cmd} needs a login first`);
      if (Math.floor(Date.now() / 1000) > this.identity!.expireAt) {
        this.send(encodeError(head, new ImError('AUTH_USERSIG_EXPIRED')));
        this.endSession(KickType.UserSigExpired, CloseCode.SessionExpired, 'UserSig expired');
        return;
      }
      if (cmd === Cmd.WsHello) return this.reply(head, {});
      const handler = findCommand(cmd);
      if (!handler) throw new ImError('REQ_UNKNOWN_COMMAND', `unknown command ${cmd.slice(0, 128)}`);
      const reply = await handler(this.core, ctx, body);
      this.reply(head, reply);
      if (cmd === Cmd.GetMsg && this.hold && reply.SyncFlag === 2) this.releaseHold(reply.Cookie);
    } catch (err) {
      this.replyError(head, err);
    }
  }

  private async login(head: FrameHead, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const sdkAppId = parseSdkAppId(head.sdkappid ?? this.query.sdkAppId);
    // Tencent's SDKs log in again after a reconnect with only the A2 they were given.
    const reconnect = (head.usersig === undefined || head.usersig === '') && Boolean(head.a2);
    const identity = reconnect
      ? await this.core.auth.checkA2(sdkAppId, head.a2, head.tinyid)
      : await this.core.auth.login(sdkAppId, head.identifier, head.usersig);
    if (this.ctx) this.logout();
    if (this.closed) throw new ImError('SERVER_SHUTTING_DOWN', 'connection closed during login');
    const platform = Number(head.platform ?? this.query.platform);
    this.platform = Number.isInteger(platform) ? platform : undefined;
    this.platformClass = platformClass(this.platform);
    this.identity = identity;
    this.instId = String(randomInt(1, 2 ** 47));
    this.loginAt = Date.now();
    this.ctx = { app: identity.app, account: identity.account, instId: this.instId, platform: this.platform };
    // A reconnecting client pulls what it missed next; hold live pushes until it has.
    if (reconnect) this.hold = new CatchUpHold((events) => this.pushEvents(events, new Map()), CATCH_UP_HOLD_MS);
    await this.core.registry.attach(this, identity.app);
    void body;
    return {
      TinyId: String(identity.account.tinyId),
      A2Key: this.core.auth.issueA2(identity, this.instId),
      InstId: this.instId,
      TimeStamp: Math.floor(Date.now() / 1000),
      HelloInterval: this.core.config.heartbeatSeconds,
      // Parley extension: when the session ends with the UserSig, so clients can renew in time.
      ExpireTime: identity.expireAt,
    };
  }

  private logout(end: SessionEnd = 'logout', kickType?: number): void {
    this.hold?.cancel();
    this.hold = undefined;
    if (!this.ctx) return;
    this.core.registry.detach(this, end, kickType);
    this.ctx = undefined;
    this.identity = undefined;
  }

  /** LiveSession: push committed events or an ephemeral notice. */
  deliver(message: BusMessage, cache: RenderCache): void {
    if (!this.ctx) return;
    if (message.type === 'events') {
      if (this.hold) this.hold.add(message.events);
      else this.pushEvents(message.events, cache);
    } else if (message.type === 'ephemeral') {
      this.send(encodePush(message.servcmd, message.body));
    }
  }

  /** One msg_push frame for the events, rendered once per user (the cache is shared by its sessions). */
  private pushEvents(events: readonly UserEvent[], cache: RenderCache): void {
    let frame = cache.get('events');
    if (frame === undefined) {
      // Cookie (Parley): the sync position after these events, so a client that has applied
      // everything up to here resumes from it instead of its last pull. Tencent's SDKs ignore it.
      const last = events.at(-1)?.cursor ?? 0;
      frame = encodePush(PushCmd.MsgPush, { ...eventsToPushBody(this.userId, events), Cookie: encodeSyncCookie({ mode: 'stream', after: last }) });
      cache.set('events', frame);
    }
    this.send(frame);
  }

  /** The catch-up pull is complete: push what it did not already return. */
  private releaseHold(cookie: unknown): void {
    const hold = this.hold;
    this.hold = undefined;
    let after = 0;
    try {
      const pos = decodeSyncCookie(cookie);
      if (pos.mode === 'stream') after = pos.after;
    } catch {
      // An unknown cookie cannot tell what the pull covered: push everything held.
    }
    hold?.release(after);
  }

  /** LiveSession: tell the client why, then end the session. */
  kick(kickType: number): void {
    const code = kickType === KickType.UserSigExpired ? CloseCode.SessionExpired : CloseCode.Kicked;
    this.endSession(kickType, code, 'kicked');
  }

  private endSession(kickType: number, closeCode: number, reason: string): void {
    if (!this.ctx) return;
    this.send(
      encodePush(PushCmd.ForceOffline, {
        EventArray: [{ Event: 10, C2cNotifyMsgArray: [{ SubMsgType: 0x96, KickoutMsgNotify: { KickType: kickType, NewInstInfo: {} } }] }],
      }),
    );
    this.logout(kickType === KickType.UserSigExpired ? 'expired' : 'kicked', kickType);
    // Leave the client a moment to answer (Tencent's SDK sends wslogout first), then close.
    setTimeout(() => this.close(closeCode, reason), KICK_CLOSE_DELAY_MS).unref();
  }

  private reply(head: FrameHead, fields: Record<string, unknown>): void {
    this.send(encodeReply(head, fields));
  }

  private replyError(head: FrameHead, err: unknown): void {
    if (err instanceof ImError) {
      this.send(encodeError(head, err));
      return;
    }
    const requestId = randomInt(1, 2 ** 47).toString(36);
    this.core.log.error('command failed', { servcmd: head.servcmd, requestId, err });
    this.send(encodeError(head, new ImError('INTERNAL', `internal error (request ${requestId})`)));
  }

  private corked = false;

  private send(frame: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    // Frames written in one go (the acks and pushes of one group commit) leave in one
    // writev instead of one system call each; ws has no public cork, so its socket is used.
    const raw = (this.socket as unknown as { _socket?: import('node:net').Socket })._socket;
    if (raw && !this.corked) {
      this.corked = true;
      raw.cork();
      // After the current callback and every promise it settled: all frames of one group
      // commit (acks, pushes) go out together, and nothing waits for another loop turn.
      process.nextTick(() => {
        this.corked = false;
        raw.uncork();
      });
    }
    this.socket.send(this.binary ? Buffer.from(frame) : frame);
  }

  /** Close the socket with a code and reason; the session ends with it. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.logout(code === CloseCode.HeartbeatTimeout ? 'timeout' : 'closed');
    // Let queued frames (a kick notice) flush before the close frame.
    this.socket.close(code, reason);
    this.handleClose();
  }

  private handleClose(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.logout('closed');
    this.onClosed(this);
  }
}
