import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run `@tandem/common` from its TypeScript source (see common/package.json), never a stale build.
  ssr: { resolve: { conditions: ['tandem-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // PostgreSQL first: it starts in the background while the build runs.
    globalSetup: ['test/support/postgres-global.ts', 'test/support/global-setup.ts'],
  },
});
