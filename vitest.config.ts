import { defineConfig } from 'vitest/config';

// One runner for the whole repository so `npm test` is the complete truth.
// Integration tests start real servers on ephemeral ports; they share 2 cores,
// so files run in a few forks rather than one per core.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: ['packages/*/test/unit/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The web chat and console in Debian's Chromium against a real server (apps/web/test).
        test: {
          name: 'browser',
          include: ['apps/*/test/**/*.test.ts'],
          globalSetup: ['apps/web/test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
    pool: 'forks',
    maxWorkers: 3,
  },
});
