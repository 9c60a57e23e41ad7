#!/usr/bin/env node
// Bundles the compiled server (dist/main.js and everything it imports, dependencies included) into dist/main.js plus
// lazily loaded chunks in dist/chunks/. Loading ~300 small modules at start cost about twice the CPU and ~10 MB more
// memory than one bundle ([O4] in SPEC.md); what is rarely needed (import, DOCX, PostgreSQL, Redis, sign-in) stays in
// chunks loaded on first use. The rest of dist/ (the CLI, tests' imports) is tsc's output, unchanged.
import { mkdtemp, rename, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const out = await mkdtemp(join(tmpdir(), 'tandem-bundle-'));
try {
  const bundle = await rolldown({ input: join(dist, 'main.js'), platform: 'node', logLevel: 'warn' });
  await bundle.write({ dir: out, format: 'esm', entryFileNames: 'main.js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true });
  await bundle.close();
  // Replace the previous bundle only once the new one is complete.
  await rm(join(dist, 'chunks'), { recursive: true, force: true });
  await cp(out, dist, { recursive: true });
} finally {
  await rm(out, { recursive: true, force: true });
}
