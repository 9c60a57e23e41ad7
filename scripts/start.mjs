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

function buildIfStale(workspace, output, sources) {
  const out = join(root, output);
  if (existsSync(out) && statSync(out).mtimeMs >= newest(sources)) return;
  process.stderr.write(`tandem: building ${workspace}…\n`);
  execFileSync('npm', ['run', 'build', '-w', workspace], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

buildIfStale('editor', 'editor/dist/index.html', ['editor/src', 'editor/index.html', 'editor/vite.config.ts', 'editor/public']);
buildIfStale('server', 'server/dist/main.js', ['server/src', 'server/tsconfig.json']);
await import(pathToFileURL(join(root, 'server/dist/main.js')).href);
