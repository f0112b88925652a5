import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS } from './commands.ts';
import { openApiText } from './openapi.ts';
import { validateBody } from './schema.ts';

const docs = (file: string) => readFileSync(new URL(`../../../../docs/${file}`, import.meta.url), 'utf8');

describe('REST admin API docs', () => {
  it('docs/openapi.json is what the schemas generate (run `npm run docs:openapi`)', () => {
    expect(docs('openapi.json')).toBe(openApiText());
  });

  it('every example request passes its own schema', () => {
    for (const cmd of ADMIN_COMMANDS.values()) expect(() => validateBody(cmd, cmd.example.request), cmd.name).not.toThrow();
  });

  it('docs/rest-api.md documents every command', () => {
    const md = docs('rest-api.md');
    for (const name of ADMIN_COMMANDS.keys()) expect(md, name).toContain(`/v4/${name.replace('.', '/')}`);
  });
});
