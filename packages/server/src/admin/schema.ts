/**
 * How a REST admin command is declared: its request schema (zod; the one source of
 * validation, the OpenAPI file and the examples in docs/rest-api.md), its handler, the
 * Tencent code a bad field answers with, and an example. A wrong or missing field is
 * refused with an ErrorInfo that names it, e.g. "To_Account: is required".
 */
import { ImError, type ErrorCode } from '@parley/protocol';
import { z } from 'zod';
import type { Core } from '../core.ts';
import type { AdminContext, Body } from '../gateway/commands.ts';

/** A Tencent UserID: 1-32 bytes. */
export const userIdSchema = z
  .string()
  .min(1)
  .refine((s) => Buffer.byteLength(s) <= 32, { message: 'must be at most 32 bytes' })
  .meta({ description: 'UserID, 1-32 bytes' });

export const uint32Schema = z.number().int().min(0).max(0xffffffff);

/** One MsgBody element; the content is checked per MsgType when the message is sent. */
export const msgBodySchema = z
  .array(z.looseObject({ MsgType: z.string(), MsgContent: z.record(z.string(), z.unknown()) }))
  .min(1)
  .meta({ description: 'Message elements, Tencent\'s [{MsgType, MsgContent}] (TIMTextElem, TIMCustomElem, TIMFaceElem, TIMLocationElem, TIMImageElem, TIMSoundElem, TIMFileElem, TIMVideoFileElem)' });

/** The code a schema error in a field answers with: fixed, or chosen from the bad value. */
export type FieldCode = ErrorCode | ((value: unknown) => ErrorCode);

export interface AdminCommand {
  /** Tencent's `<service>.<command>`; the URL is /v4/<service>/<command>. */
  readonly name: string;
  readonly summary: string;
  readonly schema: z.ZodType;
  /** Code for a bad field without its own entry in `fields`. */
  readonly invalid: ErrorCode;
  readonly fields?: Readonly<Record<string, FieldCode>>;
  /** Tencent limits the bulk account commands to half the usual rate. */
  readonly bulk?: boolean;
  /** A Parley extension, not part of Tencent's API. */
  readonly extension?: boolean;
  readonly handler: (core: Core, ctx: AdminContext, body: Body) => Promise<Body>;
  readonly example: { readonly request: Body; readonly response: Body };
}

/** Declare a command; the handler's body is typed by the schema. */
export function command<S extends z.ZodType<Body>>(spec: {
  name: string;
  summary: string;
  schema: S;
  invalid: ErrorCode;
  fields?: Record<string, FieldCode>;
  bulk?: boolean;
  extension?: boolean;
  handler: (core: Core, ctx: AdminContext, body: z.output<S>) => Promise<Body>;
  example: { request: z.input<S>; response: Body };
}): AdminCommand {
  return spec as unknown as AdminCommand;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(body)';
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** Check a request body against the command's schema; throws ImError naming the first bad field. */
export function validateBody(cmd: AdminCommand, body: Body): Body {
  const r = cmd.schema.safeParse(body);
  if (r.success) return r.data as Body;
  const issue = r.error.issues[0]!;
  const value = valueAt(body, issue.path);
  const field = String(issue.path[0] ?? '');
  const spec = cmd.fields?.[field];
  const code = spec === undefined ? cmd.invalid : typeof spec === 'function' ? spec(value) : spec;
  const what = value === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message.replace(/^Invalid input: /, '');
  throw new ImError(code, `${pathText(issue.path)}: ${what}`);
}
