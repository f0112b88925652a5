import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, ENV_NAMES } from '../../config.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { normaliseCallbackConfig } from '../../webhooks/config.ts';
import type { CliIo } from '../main.ts';
import { HELP, UsageError, intFlag } from '../usage.ts';

const OPTIONS = {
  sdkappid: { type: 'string' },
  url: { type: 'string' },
  events: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'fail-closed': { type: 'boolean' },
  token: { type: 'string' },
  off: { type: 'boolean' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `parley app callback`: show, set or turn off an app's webhooks in a data dir's store.
 * A running server picks the change up within a few seconds.
 */
export async function callbackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.out(HELP.callback);
    return 0;
  }
  const sdkAppId = intFlag(values.sdkappid, 'sdkappid', { required: true, min: 1 })!;
  if (values.off && values.url !== undefined) throw new UsageError('--off and --url exclude each other');
  const changing = values.url !== undefined || values.off;
  if (!changing && (values.events !== undefined || values['timeout-ms'] !== undefined || values['fail-closed'] || values.token !== undefined)) {
    throw new UsageError('--events, --timeout-ms, --fail-closed and --token need --url');
  }
  const dataDir = values['data-dir'] ?? io.env[ENV_NAMES.dataDir] ?? DEFAULT_CONFIG.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const store = new SqliteStore({ path: join(dataDir, 'parley.db') });
  try {
    const app = await store.getApp(sdkAppId);
    if (!app) {
      io.err(`parley: no app ${sdkAppId} in ${dataDir}`);
      return 1;
    }
    let callback = app.options.callback;
    if (changing) {
      callback = values.off
        ? undefined
        : normaliseCallbackConfig({
            url: values.url!,
            events: values.events?.split(',').map((e) => e.trim()).filter(Boolean),
            timeoutMs: intFlag(values['timeout-ms'], 'timeout-ms', { min: 1 }),
            failClosed: values['fail-closed'] ?? false,
            token: values.token,
          });
      await store.updateApp({ ...app, options: { ...app.options, callback } });
    }
    io.out(JSON.stringify({ sdkAppId, callback: callback ? { ...callback, token: callback.token ? '(set)' : undefined } : null }));
    return 0;
  } finally {
    await store.close();
  }
}
