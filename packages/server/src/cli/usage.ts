/** Usage errors: the CLI prints the message and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const HELP = {
  main: `parley — self-hosted IM server compatible with Tencent Cloud IM clients

Usage:
  parley serve [--port 8080] [--host 127.0.0.1] [--data-dir ./data] [--demo]
  parley app create [--name NAME] [--admin ID] [--data-dir DIR]
  parley app list [--data-dir DIR] [--show-keys]
  parley app callback --sdkappid N [--url U [--events E,...] [--timeout-ms MS] [--fail-closed] [--token T] | --off] [--data-dir DIR]
  parley usersig gen --sdkappid N --key K --userid U [--expire SECONDS] [--userbuf BASE64]
  parley usersig verify --sdkappid N --key K --userid U --sig S [--now UNIX_SECONDS]

Every serve option can also be set with a PARLEY_* environment variable (see README).
Run "parley <command> --help" for details.`,
  serve: `Usage: parley serve [options]

Starts the server on the embedded default (SQLite in the data dir). On first start with an
empty data dir it creates an app named "dev" and writes its credentials to <data-dir>/dev-app.json.

Options (environment variable in brackets):
  --port N              TCP port, 0 for any free one [PARLEY_PORT] (default 8080)
  --host ADDR           address to listen on [PARLEY_HOST] (default 127.0.0.1)
  --data-dir DIR        where data lives [PARLEY_DATA_DIR] (default ./data)
  --sqlite-sync MODE    full (survives power loss) or normal (survives a crash) [PARLEY_SQLITE_SYNC]
  --heartbeat-seconds N expected client heartbeat interval [PARLEY_HEARTBEAT_SECONDS] (default 30)
  --demo                serve the demo UserSig endpoint for the dev app [PARLEY_DEMO]
  --log-level LEVEL     debug, info, warn, error or silent [PARLEY_LOG_LEVEL]`,
  app: `Usage:
  parley app create [--name NAME] [--admin ID] [--data-dir DIR]   prints one JSON line with the new app's credentials
  parley app list [--data-dir DIR] [--show-keys]                  prints a JSON array (keys hidden unless --show-keys)
  parley app callback --sdkappid N ...                           shows or sets the app's webhooks (see "parley app callback --help")`,
  callback: `Usage: parley app callback --sdkappid N [options]

Shows the app's webhook settings, or sets them with --url, or turns them off with --off.
Prints one JSON line. A running server applies the change within a few seconds.

Options:
  --url URL          http(s) URL the callbacks are POSTed to
  --events LIST      comma-separated CallbackCommands (default: all of C2C.CallbackBeforeSendMsg,
                     C2C.CallbackAfterSendMsg, C2C.CallbackAfterMsgWithDraw, State.StateChange)
  --timeout-ms MS    how long a call may take (default 2000)
  --fail-closed      refuse messages when the before-send callback fails or times out
                     (default: deliver them)
  --token T          add Tencent's Sign and RequestTime query parameters
  --off              turn the app's webhooks off
  --data-dir DIR     where data lives [PARLEY_DATA_DIR] (default ./data)`,
  usersig: `Usage:
  parley usersig gen --sdkappid N --key K --userid U [--expire SECONDS] [--userbuf BASE64]
      prints a UserSig (Tencent TLSSigAPIv2); --expire defaults to 180 days
  parley usersig verify --sdkappid N --key K --userid U --sig S [--now UNIX_SECONDS]
      prints {"ok":true,...} and exits 0, or {"ok":false,"code":N,"message":"..."} and exits 1`,
} as const;

/** Parse a required positive integer flag. */
export function intFlag(value: string | undefined, name: string, { required = false, min = 0 } = {}): number | undefined {
  if (value === undefined) {
    if (required) throw new UsageError(`missing --${name}`);
    return undefined;
  }
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  }
  return Number(value);
}

export function requiredFlag(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing --${name}`);
  return value;
}
