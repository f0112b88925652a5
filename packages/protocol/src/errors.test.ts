// Keeps the error-code table, its documentation and the wire round trip in step. A new
// entry in ErrorCodes needs its row in docs/errors.md; this file says which one is missing.
import { readFileSync } from 'node:fs';
import { USERSIG_ERROR_CODES } from '@parley/usersig';
import { describe, expect, it } from 'vitest';
import { CALLBACK_CODE_MAX, CALLBACK_CODE_MIN, ErrorCodes, ImError, errorCodeFor, type ErrorCode, type ErrorSpec } from './errors.ts';

const DOC_PATH = 'docs/errors.md';
const COLUMNS = ['Name', 'Code', 'HTTP', 'Retry', 'Since', 'Meaning', 'What the client should do'];
const PARLEY_RANGE = { min: 100_000, max: 100_999 };

const entries = Object.entries(ErrorCodes) as [ErrorCode, ErrorSpec][];

interface DocRow {
  name: string;
  code: string;
  http: string;
  retry: string;
  since: string;
  meaning: string;
  action: string;
}

/** The rows of the table under "## The table" in docs/errors.md. */
function readDocRows(): DocRow[] {
  const text = readFileSync(new URL(`../../../${DOC_PATH}`, import.meta.url), 'utf8');
  const lines = text.split('\n');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  const headerAt = lines.findIndex((l) => l.startsWith('|') && cells(l)[0] === 'Name');
  if (headerAt < 0) throw new Error(`${DOC_PATH}: no table with a "Name" column`);
  expect(cells(lines[headerAt]!), `${DOC_PATH}: table columns`).toEqual(COLUMNS);
  const rows: DocRow[] = [];
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.startsWith('|')) break;
    const [name = '', code = '', http = '', retry = '', since = '', meaning = '', action = '', ...extra] = cells(line);
    expect(extra, `${DOC_PATH}: too many cells in ${line}`).toEqual([]);
    rows.push({ name: name.replace(/`/g, ''), code, http, retry: retry.replace(/`/g, ''), since, meaning, action });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const rows = readDocRows();
  const byName = new Map(rows.map((r) => [r.name, r]));

  it('has exactly one row per ErrorCodes entry', () => {
    const docNames = rows.map((r) => r.name);
    const duplicates = docNames.filter((n, i) => docNames.indexOf(n) !== i);
    expect(duplicates, 'names with more than one row').toEqual([]);
    const missing = entries.map(([name]) => name).filter((n) => !byName.has(n));
    expect(missing, `entries of ErrorCodes without a row in ${DOC_PATH}`).toEqual([]);
    const extra = docNames.filter((n) => !(n in ErrorCodes));
    expect(extra, `rows in ${DOC_PATH} that are not in ErrorCodes`).toEqual([]);
  });

  it.each(entries)('documents %s with its exact code, HTTP status and retry policy', (name, spec) => {
    const row = byName.get(name);
    expect(row, `no row for ${name} in ${DOC_PATH}`).toBeDefined();
    expect({ code: row!.code, http: row!.http, retry: row!.retry }).toEqual({ code: String(spec.tim), http: String(spec.http), retry: spec.retry });
    expect(row!.since, `${name}: Since must be a version`).toMatch(/^\d+\.\d+\.\d+$/);
    expect(row!.meaning, `${name}: Meaning is empty`).not.toBe('');
    expect(row!.action, `${name}: What the client should do is empty`).not.toBe('');
  });
});

describe('ErrorCodes', () => {
  it('uses whole positive numbers, and Parley-only numbers from its own range', () => {
    for (const [name, spec] of entries) {
      expect(Number.isSafeInteger(spec.tim) && spec.tim > 0, `${name}: ${spec.tim}`).toBe(true);
      expect(spec.tim >= CALLBACK_CODE_MIN && spec.tim <= CALLBACK_CODE_MAX, `${name} is in the app callback range`).toBe(false);
      if (spec.tim >= PARLEY_RANGE.min) expect(spec.tim, name).toBeLessThanOrEqual(PARLEY_RANGE.max);
    }
  });

  it('gives every Parley-only number to one name', () => {
    const own = entries.filter(([, s]) => s.tim >= PARLEY_RANGE.min).map(([, s]) => s.tim);
    expect(new Set(own).size).toBe(own.length);
  });

  // A client that sees only the number (Tencent's SDKs drop ErrorName) decodes it to the first
  // name listed. Sharing a number is a deliberate choice; add it here when you make it.
  it('shares a Tencent number between names only where that was decided', () => {
    const names = new Map<number, string[]>();
    for (const [name, spec] of entries) names.set(spec.tim, [...(names.get(spec.tim) ?? []), name]);
    const shared = Object.fromEntries([...names].filter(([, n]) => n.length > 1));
    expect(shared).toEqual({ 70402: ['AUTH_INVALID_USERID', 'REQ_INVALID_PARAM'] });
  });

  it('has an HTTP error status for every entry', () => {
    for (const [name, spec] of entries) expect(spec.http >= 400 && spec.http <= 599, `${name}: ${spec.http}`).toBe(true);
  });
});

describe('ImError wire round trip', () => {
  it.each(entries)('%s survives toWire and fromWire with its name, number and text', (name, spec) => {
    const err = new ImError(name, `detail of ${name}`, { retryAfterMs: 250 });
    const wire = err.toWire();
    expect(wire).toEqual({ ActionStatus: 'FAIL', ErrorCode: spec.tim, ErrorInfo: `detail of ${name}`, ErrorName: name, RetryAfterMs: 250 });
    for (const body of [wire, JSON.parse(JSON.stringify(wire)) as typeof wire]) {
      const back = ImError.fromWire(body);
      expect(back).toBeInstanceOf(ImError);
      expect({ code: back.code, tim: back.tim, message: back.message, retryAfterMs: back.retryAfterMs }).toEqual({
        code: name,
        tim: spec.tim,
        message: `detail of ${name}`,
        retryAfterMs: 250,
      });
    }
  });

  it.each(entries)('%s keeps its number when the wire carries only ErrorCode', (name, spec) => {
    const back = ImError.fromWire({ ErrorCode: new ImError(name).tim, ErrorInfo: 'x' });
    expect(back.tim).toBe(spec.tim);
    expect(ErrorCodes[back.code].tim).toBe(spec.tim);
    expect(back.message).toBe('x');
  });

  it('uses the default message when the wire has no ErrorInfo', () => {
    expect(ImError.fromWire({ ErrorCode: 80002 }).message).toBe(ErrorCodes.MSG_TOO_LARGE.message);
  });

  it("keeps an app callback's own number and names it MSG_BLOCKED_BY_CALLBACK", () => {
    for (const tim of [CALLBACK_CODE_MIN, 125_000, CALLBACK_CODE_MAX]) {
      const back = ImError.fromWire(new ImError('MSG_BLOCKED_BY_CALLBACK', 'no links', { tim }).toWire());
      expect({ code: back.code, tim: back.tim }).toEqual({ code: 'MSG_BLOCKED_BY_CALLBACK', tim });
      expect(ImError.fromWire({ ErrorCode: tim }).code).toBe('MSG_BLOCKED_BY_CALLBACK');
    }
  });

  it('maps an unknown number to INTERNAL but keeps its text', () => {
    const back = ImError.fromWire({ ErrorCode: 99_999_999, ErrorInfo: 'from a newer server' });
    expect({ code: back.code, message: back.message }).toEqual({ code: 'INTERNAL', message: 'from a newer server' });
    expect(errorCodeFor('NOT_A_CODE', undefined)).toBe('INTERNAL');
  });
});

describe('UserSig verification codes', () => {
  it.each(Object.entries(USERSIG_ERROR_CODES))('the usersig reason %s (%i) maps to an AUTH_* entry with that number', (_reason, tim) => {
    const code = errorCodeFor(undefined, tim);
    expect(code).toMatch(/^AUTH_/);
    expect(ErrorCodes[code].tim).toBe(tim);
  });

  it('asks for a new login only when the UserSig expired', () => {
    expect(ErrorCodes[errorCodeFor(undefined, USERSIG_ERROR_CODES.expired)].retry).toBe('reauth');
    const others = Object.entries(USERSIG_ERROR_CODES).filter(([reason]) => reason !== 'expired');
    for (const [reason, tim] of others) expect(ErrorCodes[errorCodeFor(undefined, tim)].retry, reason).toBe('never');
  });
});
