/** Every REST admin command, by Tencent's `<service>.<command>` name (URL: /v4/<service>/<command>). */
import { ACCOUNT_COMMANDS, STATE_COMMANDS } from './accounts.ts';
import { MESSAGE_COMMANDS } from './messages.ts';
import { PARLEY_COMMANDS } from './parley.ts';
import { PROFILE_COMMANDS } from './profile.ts';
import type { AdminCommand } from './schema.ts';

export const ADMIN_COMMANDS: ReadonlyMap<string, AdminCommand> = new Map(
  [...ACCOUNT_COMMANDS, ...STATE_COMMANDS, ...MESSAGE_COMMANDS, ...PROFILE_COMMANDS, ...PARLEY_COMMANDS].map((c) => [c.name, c]),
);
