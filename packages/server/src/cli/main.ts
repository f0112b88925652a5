/**
 * The `parley` CLI: one file per command under commands/. Exit codes: 0 success, 1 a
 * negative answer (e.g. a UserSig that does not verify), 2 wrong or missing arguments.
 */
import { appCommand } from './commands/app.ts';
import { callbackCommand } from './commands/callback.ts';
import { serveCommand } from './commands/serve.ts';
import { usersigCommand } from './commands/usersig.ts';
import { HELP, UsageError } from './usage.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  env: process.env,
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        // Asked for help: stdout and success. No command at all: a usage error on stderr.
        if (command === undefined) {
          io.err(HELP.main);
          return 2;
        }
        io.out(HELP.main);
        return 0;
      case 'serve':
        return await serveCommand(rest, io);
      case 'app':
        return rest[0] === 'callback' ? await callbackCommand(rest.slice(1), io) : await appCommand(rest, io);
      case 'usersig':
        return await usersigCommand(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`parley: ${err.message}`);
      io.err('Run "parley --help" for usage.');
      return 2;
    }
    if (err instanceof RangeError) {
      io.err(`parley: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
