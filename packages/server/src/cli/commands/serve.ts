import { parseArgs } from 'node:util';
import { appCredentials, ensureDevApp } from '../../apps.ts';
import { configFromEnv, parseOption, type ServerConfig } from '../../config.ts';
import { createServer } from '../../server.ts';
import { installHttpDoors } from '../../doors.ts';
import type { CliIo } from '../main.ts';
import { HELP } from '../usage.ts';

const FLAGS: Record<string, keyof ServerConfig> = {
  port: 'port',
  host: 'host',
  'data-dir': 'dataDir',
  'sqlite-sync': 'sqliteSync',
  'heartbeat-seconds': 'heartbeatSeconds',
  'log-level': 'logLevel',
};

/** `parley serve`: run the server until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const options = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: { ...options, demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(HELP.serve);
    return 0;
  }
  const config: Partial<ServerConfig> = configFromEnv(io.env);
  for (const [flag, key] of Object.entries(FLAGS)) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v === 'string') (config as Record<string, unknown>)[key] = parseOption(key, v, `--${flag}`);
  }
  if (values.demo) config.demo = true;
  const server = createServer({ config });
  // Signal handlers go in before anything is announced, so a supervisor that signals as soon
  // as it reads the ready lines still gets a graceful shutdown.
  const stopped = new Promise<string>((resolve) => {
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  const { app, created } = await ensureDevApp(server.core.store, server.core.config.dataDir);
  installHttpDoors(server, { devApp: app });
  await server.listen();
  io.out(`Parley listening on ${server.url}`);
  io.out(`${created ? 'Created' : 'Using'} dev app: ${JSON.stringify(appCredentials(app))}`);
  io.out(`(credentials saved in ${server.core.config.dataDir}/dev-app.json)`);

  io.out(`Received ${await stopped}, shutting down`);
  await server.close();
  return 0;
}
