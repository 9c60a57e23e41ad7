import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  resolve: {
    dedupe: ['yjs', 'lib0', 'y-protocols'],
    // `@tandem/common` from its TypeScript source, never a stale build (see common/package.json).
    conditions: ['tandem-source', ...defaultClientConditions],
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
