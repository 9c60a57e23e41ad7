import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Browsers are heavy on two cores: one file at a time keeps timings honest and tests unflaky.
    fileParallelism: false,
    globalSetup: ['support/global-setup.ts'],
  },
});
