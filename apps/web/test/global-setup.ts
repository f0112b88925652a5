/**
 * Build the web apps once before the browser tests, so they never run against a stale or
 * missing dist/ (vite build takes about a second).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
