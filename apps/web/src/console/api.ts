/** The console's calls to /console/api (cookies carry the per-app sessions). */

export interface AppSummary {
  sdkAppId: number;
  name: string;
  adminIdentifier: string;
  createdAt: number;
  session?: { expiresAt: number };
}
export interface AppDetail {
  sdkAppId: number;
  secretKey: string;
  name: string;
  adminIdentifier: string;
  createdAt: number;
}
export interface AccountView {
  userID: string;
  nick: string;
  createdAt: number;
  online: boolean;
  instances: number;
  platforms: string[];
}
export interface Stats {
  online: number;
  onlineAllApps: number;
  messagesPerSecond: number;
  series: number[];
  storedMessages: number;
  accounts: number;
}
export interface AdminMessage {
  seq: number;
  from: string;
  to: string;
  time: number;
  body: { MsgType: string; MsgContent: Record<string, unknown> }[];
  recalled: boolean;
}
export interface RestCommand {
  name: string;
  summary: string;
  example: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/console/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as T & { ErrorInfo?: string };
  if (!res.ok) throw new ApiError(res.status, json.ErrorInfo ?? `HTTP ${res.status}`);
  return json;
}

export const api = {
  signIn: (b: { sdkAppId: number; secretKey?: string; identifier?: string; userSig?: string }) => call<{ app: AppSummary }>('POST', '/signin', b),
  signOut: (sdkAppId?: number) => call<unknown>('POST', '/signout', sdkAppId === undefined ? {} : { sdkAppId }),
  apps: () => call<{ apps: AppSummary[] }>('GET', '/apps'),
  createApp: (b: { name: string; adminIdentifier?: string }) => call<{ app: AppDetail }>('POST', '/apps', b),
  app: (id: number) => call<{ app: AppDetail }>('GET', `/apps/${id}`),
  rotateKey: (id: number) => call<{ secretKey: string }>('POST', `/apps/${id}/rotate-key`, {}),
  userSig: (id: number, userID: string, expireSeconds: number) => call<{ userSig: string; expireAt: number }>('POST', `/apps/${id}/usersig`, { userID, expireSeconds }),
  accounts: (id: number, search: string, offset = 0) =>
    call<{ total: number; accounts: AccountView[] }>('GET', `/apps/${id}/accounts?search=${encodeURIComponent(search)}&offset=${offset}&limit=50`),
  kick: (id: number, userID: string) => call<unknown>('POST', `/apps/${id}/kick`, { userID }),
  history: (id: number, a: string, b: string, beforeSeq?: number) =>
    call<{ messages: AdminMessage[]; complete: boolean }>('GET', `/apps/${id}/history?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}${beforeSeq ? `&beforeSeq=${beforeSeq}` : ''}`),
  stats: (id: number) => call<Stats>('GET', `/apps/${id}/stats`),
  restCommands: () => call<{ commands: RestCommand[] }>('GET', '/rest-commands'),
};
