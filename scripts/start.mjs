#!/usr/bin/env node
// `npm start`: build whatever is missing or older than its sources, then run the server in this process
// (so SIGTERM reaches it directly and shutdown stays graceful).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time among files under `paths` (0 when none exist). */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') visit(join(path, entry));
    } else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(join(root, p)));
  return latest;
}

/** Builds `workspace` unless every one of its `outputs` exists and is newer than all of `sources`. */
function buildIfStale(workspace, outputs, sources) {
  const since = newest(sources);
  if (outputs.every((output) => existsSync(join(root, output)) && statSync(join(root, output)).mtimeMs >= since)) return;
  process.stderr.write(`tandem: building ${workspace}…\n`);
  execFileSync('npm', ['run', 'build', '-w', workspace], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

// @tandem/common is what the server and the editor agree on: either is stale when common changed. The
// editor bundles common's source; the server runs common's compiled output, which the server's build
// compiles first (`tsc -p ../common && tsc -p .`).
const common = ['common/src', 'common/package.json', 'common/tsconfig.json'];
buildIfStale('editor', ['editor/dist/index.html'], ['editor/src', 'editor/index.html', 'editor/vite.config.ts', 'editor/public', ...common]);
buildIfStale('server', ['common/dist/index.js', 'server/dist/main.js'], ['server/src', 'server/tsconfig.json', ...common]);
await import(pathToFileURL(join(root, 'server/dist/main.js')).href);
