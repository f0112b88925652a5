import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Two pages built to dist/: the chat at / and the console at /console/. The server serves
// dist/ as static files (packages/server/src/http/static.ts). Preact's automatic JSX
// runtime needs no plugin.
export default defineConfig({
  root: here('.'),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { chat: here('index.html'), console: here('console/index.html') },
    },
  },
});
