// Writes docs/openapi.json from the REST admin command schemas (`npm run docs:openapi`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiText } from '../src/admin/openapi.ts';

const out = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));
writeFileSync(out, openApiText());
process.stdout.write(`wrote ${out}\n`);
