import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // PostgreSQL first: it starts in the background while the build runs.
    globalSetup: ['test/support/postgres-global.ts', 'test/support/global-setup.ts'],
  },
});
