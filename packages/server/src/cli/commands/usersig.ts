import { parseArgs } from 'node:util';
import { genUserSig, verifyUserSig } from '@parley/usersig';
import type { CliIo } from '../main.ts';
import { HELP, UsageError, intFlag, requiredFlag } from '../usage.ts';

const OPTIONS = {
  sdkappid: { type: 'string' },
  key: { type: 'string' },
  userid: { type: 'string' },
  expire: { type: 'string' },
  userbuf: { type: 'string' },
  sig: { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `parley usersig gen|verify`: sign or check a UserSig offline, like Tencent's console tool. */
export async function usersigCommand(argv: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    io.err(HELP.usersig);
    return 2;
  }
  if (verb === '--help' || verb === '-h') {
    io.out(HELP.usersig);
    return 0;
  }
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.out(HELP.usersig);
    return 0;
  }
  if (verb !== 'gen' && verb !== 'verify') throw new UsageError(`unknown usersig command "${verb}" (gen or verify)`);
  const sdkAppId = intFlag(values.sdkappid, 'sdkappid', { required: true, min: 1 })!;
  const secretKey = requiredFlag(values.key, 'key');
  const userId = requiredFlag(values.userid, 'userid');
  if (verb === 'gen') {
    for (const f of ['sig', 'now'] as const) if (values[f] !== undefined) throw new UsageError(`--${f} is not an option of "usersig gen"`);
    const expireSeconds = intFlag(values.expire, 'expire', { min: 1 });
    let userBuf: Buffer | undefined;
    if (values.userbuf !== undefined) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(values.userbuf)) throw new UsageError('--userbuf must be standard base64');
      userBuf = Buffer.from(values.userbuf, 'base64');
    }
    io.out(genUserSig({ sdkAppId, secretKey, userId, ...(expireSeconds !== undefined && { expireSeconds }), ...(userBuf && { userBuf }) }));
    return 0;
  }
  if (verb === 'verify') {
    for (const f of ['expire', 'userbuf'] as const) if (values[f] !== undefined) throw new UsageError(`--${f} is not an option of "usersig verify"`);
    const userSig = requiredFlag(values.sig, 'sig');
    const now = intFlag(values.now, 'now');
    const r = verifyUserSig({ sdkAppId, secretKey, userId, userSig, ...(now !== undefined && { now }) });
    if (r.ok) {
      const out: Record<string, unknown> = { ok: true, expireAt: r.expireAt, time: r.time, expire: r.expire };
      if (r.userBuf) out.userBuf = Buffer.from(r.userBuf).toString('base64');
      io.out(JSON.stringify(out));
      return 0;
    }
    io.out(JSON.stringify({ ok: false, code: r.code, reason: r.reason, message: r.message }));
    return 1;
  }
  throw new UsageError(`unknown usersig command "${verb}" (gen or verify)`);
}
