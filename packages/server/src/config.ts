/**
 * Server options: defaults in one place, checked once at construction. Every option can
 * also come from a PARLEY_* environment variable (see the README's configuration table);
 * command-line flags win over the environment, which wins over defaults.
 */
import type { SqliteSync } from './store/sqlite/sqlite-store.ts';

export interface ServerConfig {
  /** TCP port; 0 picks a free one. */
  port: number;
  host: string;
  /** Where the SQLite file and dev-app.json live. */
  dataDir: string;
  /** SQLite commit durability. */
  sqliteSync: SqliteSync;
  /** Serve the demo UserSig endpoint for the dev app (never in production). */
  demo: boolean;
  /** Seconds between expected client heartbeats; a connection silent for two is closed. */
  heartbeatSeconds: number;
  /** Largest message content (MsgBody + CloudCustomData as JSON), bytes. Tencent: 8000. */
  maxMessageBytes: number;
  /** Largest accepted request frame, bytes. Tencent's REST limit is 12 KB; frames get some headroom. */
  maxFrameBytes: number;
  /** Seconds after sending during which the sender may recall. Tencent: 120. */
  recallWindowSeconds: number;
  /** How long the HTTP line holds an idle long poll (Tencent's clients time out at 25-30 s). */
  longPollHoldSeconds: number;
  /** Per-user send rate: sustained messages per second and burst size. */
  sendRatePerSecond: number;
  sendBurst: number;
  /** REST admin API requests per second, per app and command (Tencent: 200; half for the bulk account commands). */
  adminRatePerSecond: number;
  /** First retry delay of a failed webhook after-event, ms; doubles per attempt. */
  webhookRetryBaseMs: number;
  /** Longest delay between webhook retries, ms. */
  webhookRetryMaxMs: number;
  /** Log level for the server's JSON log lines. */
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  sqliteSync: 'full',
  demo: false,
  heartbeatSeconds: 30,
  maxMessageBytes: 8000,
  maxFrameBytes: 16 * 1024,
  recallWindowSeconds: 120,
  longPollHoldSeconds: 20,
  sendRatePerSecond: 20,
  sendBurst: 40,
  adminRatePerSecond: 200,
  webhookRetryBaseMs: 1000,
  webhookRetryMaxMs: 300_000,
  logLevel: 'info',
};

/** Environment variable for each option. */
export const ENV_NAMES: Record<keyof ServerConfig, string> = {
  port: 'PARLEY_PORT',
  host: 'PARLEY_HOST',
  dataDir: 'PARLEY_DATA_DIR',
  sqliteSync: 'PARLEY_SQLITE_SYNC',
  demo: 'PARLEY_DEMO',
  heartbeatSeconds: 'PARLEY_HEARTBEAT_SECONDS',
  maxMessageBytes: 'PARLEY_MAX_MESSAGE_BYTES',
  maxFrameBytes: 'PARLEY_MAX_FRAME_BYTES',
  recallWindowSeconds: 'PARLEY_RECALL_WINDOW_SECONDS',
  longPollHoldSeconds: 'PARLEY_LONG_POLL_HOLD_SECONDS',
  sendRatePerSecond: 'PARLEY_SEND_RATE',
  sendBurst: 'PARLEY_SEND_BURST',
  adminRatePerSecond: 'PARLEY_ADMIN_RATE',
  webhookRetryBaseMs: 'PARLEY_WEBHOOK_RETRY_BASE_MS',
  webhookRetryMaxMs: 'PARLEY_WEBHOOK_RETRY_MAX_MS',
  logLevel: 'PARLEY_LOG_LEVEL',
};

/** Read options from an environment (string values) into a partial config, validating each. */
export function configFromEnv(env: Record<string, string | undefined>): Partial<ServerConfig> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof ServerConfig, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    out[key] = parseOption(key, raw, name);
  }
  return out as Partial<ServerConfig>;
}

/** Per-option checks: each returns what is wrong, or undefined. Used for flags, env and code alike. */
const CHECKS: Partial<Record<keyof ServerConfig, (v: never) => string | undefined>> = {
  port: (v: number) => (Number.isInteger(v) && v >= 0 && v <= 65535 ? undefined : `must be an integer 0-65535, got ${v}`),
  sqliteSync: (v: string) => (v === 'full' || v === 'normal' ? undefined : `must be "full" or "normal", got "${v}"`),
  heartbeatSeconds: (v: number) => (v > 0 ? undefined : 'must be > 0'),
  longPollHoldSeconds: (v: number) => (v > 0 && v <= 25 ? undefined : 'must be in (0, 25]'),
  maxMessageBytes: (v: number) => (v > 0 ? undefined : 'must be > 0'),
  sendRatePerSecond: (v: number) => (v > 0 ? undefined : 'must be > 0'),
  sendBurst: (v: number) => (v >= 1 ? undefined : 'must be >= 1'),
  logLevel: (v: string) => (['debug', 'info', 'warn', 'error', 'silent'].includes(v) ? undefined : `must be debug, info, warn, error or silent, got "${v}"`),
};

function check(key: keyof ServerConfig, value: unknown, name: string): void {
  const problem = (CHECKS[key] as ((v: unknown) => string | undefined) | undefined)?.(value);
  if (problem) throw new RangeError(`${name} ${problem}`);
}

/** Parse one option from text; throws RangeError naming `source` when the text is not valid. */
export function parseOption(key: keyof ServerConfig, raw: string, source: string): unknown {
  const def = DEFAULT_CONFIG[key];
  let value: unknown = raw;
  if (typeof def === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new RangeError(`${source}: expected true/false, got "${raw}"`);
  }
  if (typeof def === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || raw.trim() === '') throw new RangeError(`${source}: expected a non-negative number, got "${raw}"`);
    value = n;
  }
  check(key, value, `${source}:`);
  return value;
}

/** Merge and check a complete config. */
export function resolveConfig(partial: Partial<ServerConfig> = {}): ServerConfig {
  const c: ServerConfig = { ...DEFAULT_CONFIG, ...stripUndefined(partial) };
  for (const key of Object.keys(CHECKS) as (keyof ServerConfig)[]) check(key, c[key], key);
  if (!(c.maxFrameBytes > c.maxMessageBytes)) throw new RangeError('maxFrameBytes must exceed maxMessageBytes');
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
