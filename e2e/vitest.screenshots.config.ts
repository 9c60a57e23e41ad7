import { defineConfig } from 'vitest/config';

/** `npm run screenshots`: only the README's screenshots (scripts/screenshots.ts), never part of `npm test`. */
export default defineConfig({
  test: {
    include: ['scripts/screenshots.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    globalSetup: ['support/global-setup.ts'],
  },
});
