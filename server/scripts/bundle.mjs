#!/usr/bin/env node
// Bundles the compiled server (dist/main.js and everything it imports, dependencies included) into dist/main.js plus
// lazily loaded chunks in dist/chunks/. Loading ~300 small modules at start cost about twice the CPU and ~10 MB more
// memory than one bundle ([O4] in SPEC.md); what is rarely needed (import, DOCX, PostgreSQL, Redis, sign-in) stays in
// chunks loaded on first use. The rest of dist/ (the CLI, tests' imports) is tsc's output, unchanged.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
// Bundling the bundle would leave a main.js that only re-exports a chunk: the input must be tsc's output.
const BANNER = '// Bundled by server/scripts/bundle.mjs from tsc output; rebuild with `npm run build -w server`.';
if (readFileSync(join(dist, 'main.js'), 'utf8').startsWith(BANNER)) {
  console.error('bundle: dist/main.js is already a bundle; run `npm run build -w server` (tsc first, then this).');
  process.exit(1);
}
const out = await mkdtemp(join(tmpdir(), 'tandem-bundle-'));
try {
  const bundle = await rolldown({ input: join(dist, 'main.js'), platform: 'node', logLevel: 'warn' });
  await bundle.write({ dir: out, format: 'esm', banner: (chunk) => (chunk.isEntry ? BANNER : ''), entryFileNames: 'main.js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true });
  await bundle.close();
  // Replace the previous bundle only once the new one is complete.
  await rm(join(dist, 'chunks'), { recursive: true, force: true });
  await cp(out, dist, { recursive: true });
} finally {
  await rm(out, { recursive: true, force: true });
}
