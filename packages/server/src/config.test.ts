import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, ENV_NAMES, configFromEnv, parseOption, resolveConfig, type ServerConfig } from './config.ts';

describe('configFromEnv', () => {
  it('returns nothing for an environment without PARLEY_* variables', () => {
    expect(configFromEnv({ PATH: '/usr/bin', PORT: '9999' })).toEqual({});
  });

  it('ignores empty variables, so `PARLEY_PORT=` means the default', () => {
    expect(configFromEnv({ PARLEY_PORT: '', PARLEY_DEMO: '' })).toEqual({});
  });

  it('reads every option from its variable with the type of its default', () => {
    // String options with a fixed set of values get one of those; the rest any text.
    const textValues: Partial<Record<keyof ServerConfig, string>> = { sqliteSync: 'normal', logLevel: 'warn' };
    const env: Record<string, string> = {};
    const expected: Record<string, unknown> = {};
    for (const [key, name] of Object.entries(ENV_NAMES) as [keyof ServerConfig, string][]) {
      const def = DEFAULT_CONFIG[key];
      if (typeof def === 'boolean') [env[name], expected[key]] = [def ? 'off' : 'on', !def];
      else if (typeof def === 'number') [env[name], expected[key]] = [String(def + 1), def + 1];
      else [env[name], expected[key]] = [textValues[key] ?? `/srv/${key}`, textValues[key] ?? `/srv/${key}`];
    }
    expect(configFromEnv(env)).toEqual(expected);
  });

  it('feeds resolveConfig, where the environment wins over the defaults', () => {
    const env = { PARLEY_PORT: '0', PARLEY_HOST: '0.0.0.0', PARLEY_DATA_DIR: '/var/lib/parley', PARLEY_SQLITE_SYNC: 'normal', PARLEY_DEMO: 'true', PARLEY_LOG_LEVEL: 'warn' };
    expect(resolveConfig(configFromEnv(env))).toEqual({
      ...DEFAULT_CONFIG,
      port: 0,
      host: '0.0.0.0',
      dataDir: '/var/lib/parley',
      sqliteSync: 'normal',
      demo: true,
      logLevel: 'warn',
    });
  });

  it('has a variable for every option, each named PARLEY_*', () => {
    expect(Object.keys(ENV_NAMES).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
    for (const name of Object.values(ENV_NAMES)) expect(name).toMatch(/^PARLEY_[A-Z_]+$/);
    expect(new Set(Object.values(ENV_NAMES)).size).toBe(Object.keys(ENV_NAMES).length);
  });

  it.each(['1', 'true', 'TRUE', 'yes', 'on'])('reads %s as true for a boolean option', (raw) => {
    expect(configFromEnv({ PARLEY_DEMO: raw })).toEqual({ demo: true });
  });

  it.each(['0', 'false', 'No', 'off'])('reads %s as false for a boolean option', (raw) => {
    expect(configFromEnv({ PARLEY_DEMO: raw })).toEqual({ demo: false });
  });

  it.each([
    ['PARLEY_PORT', 'eighty'],
    ['PARLEY_PORT', '-1'],
    ['PARLEY_PORT', ' '],
    ['PARLEY_HEARTBEAT_SECONDS', 'NaN'],
    ['PARLEY_SEND_RATE', 'Infinity'],
    ['PARLEY_MAX_MESSAGE_BYTES', '8k'],
    ['PARLEY_DEMO', 'maybe'],
  ])('throws a RangeError naming %s for %j', (name, raw) => {
    expect(() => configFromEnv({ [name]: raw })).toThrow(RangeError);
    expect(() => configFromEnv({ [name]: raw })).toThrow(name);
    expect(() => configFromEnv({ [name]: raw })).toThrow(raw.trim() === '' ? name : raw);
  });
});

describe('parseOption', () => {
  it('names the source it was given, so a flag error names the flag', () => {
    expect(() => parseOption('port', 'x', '--port')).toThrow(new RangeError('--port: expected a non-negative number, got "x"'));
    expect(() => parseOption('demo', 'x', '--demo')).toThrow(/^--demo: /);
  });

  it('passes string options through unchanged', () => {
    expect(parseOption('dataDir', ' ./my data ', '--data-dir')).toBe(' ./my data ');
  });
});

describe('resolveConfig', () => {
  it('fills every option from the defaults', () => {
    expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
    expect(resolveConfig({ port: undefined, host: undefined })).toEqual(DEFAULT_CONFIG);
  });

  it('lets given options win over the defaults', () => {
    expect(resolveConfig({ port: 0, logLevel: 'silent' })).toEqual({ ...DEFAULT_CONFIG, port: 0, logLevel: 'silent' });
  });

  it.each<[string, Partial<ServerConfig>, RegExp]>([
    ['a port above 65535', { port: 70000 }, /^port /],
    ['a fractional port', { port: 80.5 }, /^port /],
    ['an unknown sqlite sync mode', { sqliteSync: 'off' as ServerConfig['sqliteSync'] }, /sqliteSync/],
    ['a zero heartbeat', { heartbeatSeconds: 0 }, /heartbeatSeconds/],
    ['a frame limit not above the message limit', { maxMessageBytes: 9000, maxFrameBytes: 9000 }, /maxFrameBytes/],
    ['a zero send rate', { sendRatePerSecond: 0 }, /sendRatePerSecond/],
    ['a zero burst', { sendBurst: 0 }, /sendBurst/],
    ['an unknown log level', { logLevel: 'loud' as ServerConfig['logLevel'] }, /logLevel/],
  ])('throws a RangeError naming the option for %s', (_what, partial, message) => {
    expect(() => resolveConfig(partial)).toThrow(RangeError);
    expect(() => resolveConfig(partial)).toThrow(message);
  });

  it('names PARLEY_SQLITE_SYNC / --sqlite-sync when the value is not full or normal', () => {
    expect(() => configFromEnv({ PARLEY_SQLITE_SYNC: 'fast' })).toThrow(/^PARLEY_SQLITE_SYNC: must be "full" or "normal"/);
    expect(() => parseOption('sqliteSync', 'fast', '--sqlite-sync')).toThrow(/^--sqlite-sync: must be "full" or "normal"/);
  });

  it('names PARLEY_PORT / --port when the port is above 65535', () => {
    expect(() => configFromEnv({ PARLEY_PORT: '70000' })).toThrow(/^PARLEY_PORT: must be an integer 0-65535/);
    expect(() => parseOption('port', '70000', '--port')).toThrow(/^--port: must be an integer 0-65535/);
  });
});
