/** `webim.MsgStore`: the sessions (conversations) the app has seen, keyed `type + id`. */
import { SESSION_TYPE } from './constants.ts';
import { Session } from './msg.ts';

export class MsgStore {
  private _sessions: Record<string, Session> = {};

  /** Every session, keyed by `type + id` (e.g. `C2Calice`). */
  sessMap(): Record<string, Session> {
    return this._sessions;
  }

  sessCount(): number {
    return Object.keys(this._sessions).length;
  }

  sessByTypeId(type: string, id: string): Session | undefined {
    return this._sessions[Session.skey(type, id)];
  }

  delSessByTypeId(type: string, id: string): boolean {
    delete this._sessions[Session.skey(type, id)];
    return true;
  }

  /** Kept for compatibility: Parley's sync cursor lives in the core and needs no reset. */
  resetCookieAndSyncFlag(): void {}

  /** The C2C session with `peer`, created on first use. */
  c2c(peer: string): Session {
    const key = Session.skey(SESSION_TYPE.C2C, peer);
    let s = this._sessions[key];
    if (!s) this._sessions[key] = s = new Session(SESSION_TYPE.C2C, peer, peer, '', 0, 0);
    return s;
  }

  /** Keep an app-made session (webim stores the one a sent Msg carries). */
  adopt(sess: Session): Session {
    const key = Session.skey(sess.type(), sess.id());
    return (this._sessions[key] ??= sess);
  }

  clear(): void {
    this._sessions = {};
  }
}
