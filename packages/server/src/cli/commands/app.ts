import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appCredentials, createApp } from '../../apps.ts';
import { DEFAULT_CONFIG, ENV_NAMES } from '../../config.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import type { CliIo } from '../main.ts';
import { HELP, UsageError } from '../usage.ts';

const OPTIONS = {
  name: { type: 'string' },
  admin: { type: 'string' },
  'data-dir': { type: 'string' },
  'show-keys': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `parley app create|list`: manage apps in a data dir's store. */
export async function appCommand(argv: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    io.err(HELP.app);
    return 2;
  }
  if (verb === '--help' || verb === '-h') {
    io.out(HELP.app);
    return 0;
  }
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.out(HELP.app);
    return 0;
  }
  if (verb !== 'create' && verb !== 'list') throw new UsageError(`unknown app command "${verb}" (create or list)`);
  // Check every flag before touching the data dir.
  if (verb === 'create') {
    if (values['show-keys']) throw new UsageError('--show-keys is an option of "app list"');
    if (values.name !== undefined && (values.name === '' || values.name.length > 64)) throw new UsageError('--name must be 1-64 characters');
  } else if (values.name !== undefined || values.admin !== undefined) {
    throw new UsageError('--name and --admin are options of "app create"');
  }
  const dataDir = values['data-dir'] ?? io.env[ENV_NAMES.dataDir] ?? DEFAULT_CONFIG.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const store = new SqliteStore({ path: join(dataDir, 'parley.db') });
  try {
    if (verb === 'create') {
      const app = await createApp(store, { name: values.name ?? 'app', adminIdentifier: values.admin ?? 'administrator' });
      io.out(JSON.stringify(appCredentials(app)));
      return 0;
    }
    const apps = await store.listApps();
    io.out(
      JSON.stringify(
        apps.map((a) => {
          const c: Record<string, unknown> = { ...appCredentials(a), createdAt: a.createdAt };
          if (!values['show-keys']) delete c.secretKey;
          return c;
        }),
      ),
    );
    return 0;
  } finally {
    await store.close();
  }
}
