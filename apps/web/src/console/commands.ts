/**
 * REST admin commands the API tester offers when the server does not list its own
 * (GET /console/api/rest-commands). Bodies follow Tencent's REST API documentation.
 */
import type { RestCommand } from './api.ts';

export const FALLBACK_COMMANDS: RestCommand[] = [
  {
    name: 'openim.sendmsg',
    summary: 'Send a one-to-one message as any account (or the admin).',
    example: { SyncOtherMachine: 2, From_Account: 'administrator', To_Account: 'bob', MsgRandom: 1287657, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello from the API tester' } }] },
  },
  { name: 'im_open_login_svc.account_import', summary: 'Create an account.', example: { UserID: 'alice', Nick: 'Alice', FaceUrl: '' } },
  { name: 'im_open_login_svc.account_check', summary: 'Check whether accounts exist.', example: { CheckItem: [{ UserID: 'alice' }, { UserID: 'bob' }] } },
  { name: 'im_open_login_svc.kick', summary: 'Sign an account out everywhere and invalidate its UserSigs.', example: { UserID: 'alice' } },
  { name: 'openim.query_online_status', summary: 'Online state of accounts.', example: { To_Account: ['alice', 'bob'] } },
  { name: 'openim.admin_getroammsg', summary: 'History of a pair.', example: { Operator_Account: 'alice', Peer_Account: 'bob', MaxCnt: 20, MinTime: 0, MaxTime: 4294967295 } },
  { name: 'openim.get_c2c_unread_msg_num', summary: 'Unread counts of an account.', example: { To_Account: 'bob' } },
  { name: 'profile.portrait_get', summary: 'Read profiles.', example: { To_Account: ['alice'], TagList: ['Tag_Profile_IM_Nick'] } },
];

/** Tencent's URL for a `<service>.<command>` name. */
export function commandPath(name: string): string {
  return `/v4/${name.replace('.', '/')}`;
}

/** The body with a fresh MsgRandom, as Tencent's APITester does on every open. */
export function prefill(example: Record<string, unknown>): string {
  const body: Record<string, unknown> = structuredClone(example);
  if ('MsgRandom' in body) body['MsgRandom'] = Math.floor(Math.random() * 0xffffffff);
  return JSON.stringify(body, null, 2);
}

/** A shell-safe single-quoted string. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `curl` line for the same request. */
export function curlLine(url: string, body: string): string {
  let compact = body;
  try {
    compact = JSON.stringify(JSON.parse(body));
  } catch {
    // Keep what the user typed; the server will say what is wrong with it.
  }
  return `curl -X POST ${shellQuote(url)} -H 'content-type: application/json' -d ${shellQuote(compact)}`;
}
