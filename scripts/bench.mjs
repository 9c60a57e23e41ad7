#!/usr/bin/env node
// `npm run bench [-- options]`: the benchmark is not a workspace, so a self-hoster's `npm install` carries only
// the product. Its own dependencies (the peers it measures Tandem against: Hocuspocus, @y/websocket-server with its
// native LevelDB) are installed into bench/node_modules from bench/package-lock.json on first use, and again when
// that lock file or bench/package.json changed; then bench's own `bench` script compiles and runs it.
// `--install-only` stops after the install (CI uses it to typecheck bench).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = join(root, 'bench');
const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const version = (dir, pkg) => {
  const path = join(dir, 'node_modules', pkg, 'package.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).version : null;
};

/** True when bench/node_modules is missing or older than what it was installed from. */
function stale() {
  // npm writes node_modules/.package-lock.json at the end of every install.
  const installed = mtime(join(bench, 'node_modules', '.package-lock.json'));
  return installed === 0 || installed < Math.max(mtime(join(bench, 'package-lock.json')), mtime(join(bench, 'package.json')));
}

if (!existsSync(join(root, 'node_modules'))) {
  process.stderr.write('bench: run `npm install` (or `npm ci`) at the repository root first: the server is built from it\n');
  process.exit(1);
}
if (stale()) {
  process.stderr.write('bench: installing the benchmark\'s own dependencies (npm ci --prefix bench)…\n');
  execFileSync('npm', ['ci', '--prefix', bench, '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

// The bench's clients and peers must speak the same Yjs as the server they are compared with.
const serverYjs = version(root, 'yjs');
const benchYjs = version(bench, 'yjs');
if (serverYjs !== benchYjs) {
  process.stderr.write(`bench: bench/node_modules has yjs ${benchYjs}, the server ${serverYjs}; pin bench/package.json to the server's version\n`);
  process.exit(1);
}

if (process.argv.includes('--install-only')) process.exit(0);
const run = spawnSync('npm', ['run', 'bench', '--prefix', bench, '--', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
