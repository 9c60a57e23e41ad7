/**
 * Runs `crash-child.ts` in a real child process so it can be SIGKILLed. There is no TypeScript loader in
 * node_modules (no tsx) and Node 20 cannot strip types, so the storage sources and the child script are
 * transpiled (TypeScript's transpileModule, no type check) into a temp directory whose `node_modules` is a
 * symlink to the repository's, and run with plain `node`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const serverDir = resolve(here, '../../..');

function findNodeModules(): string {
  for (let dir = serverDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'yjs'))) return join(dir, 'node_modules');
    if (dirname(dir) === dir) throw new Error('node_modules with yjs not found');
  }
}

async function transpile(from: string, to: string): Promise<void> {
  const source = await readFile(from, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: from,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  await mkdir(dirname(to), { recursive: true });
  await writeFile(to, outputText);
}

export interface ChildBuild {
  /** Absolute path of the transpiled crash-child.js. */
  script: string;
  remove(): Promise<void>;
}

export async function buildChild(): Promise<ChildBuild> {
  const root = await mkdtemp(join(tmpdir(), 'tandem-storage-child-'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  await symlink(findNodeModules(), join(root, 'node_modules'), 'dir');
  const srcDir = join(serverDir, 'src/storage');
  for (const name of await readdir(srcDir, { recursive: true })) {
    if (name.endsWith('.ts')) await transpile(join(srcDir, name), join(root, 'src/storage', name.replace(/\.ts$/, '.js')));
  }
  const script = join(root, 'test/storage/file/crash-child.js');
  await transpile(join(here, 'crash-child.ts'), script);
  await transpile(join(here, 'crash-scenario.ts'), join(root, 'test/storage/file/crash-scenario.js'));
  return { script, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Numbers the child reported as acknowledged ("ack <n>" lines) before it died. */
  acked: number[];
  stdout: string;
  stderr: string;
}

/**
 * Runs the child with `args`. With `killAfterAcks`, the parent itself SIGKILLs the child once it has seen
 * that many acknowledgements (the child keeps appending meanwhile), `killDelayMs` later if given — acks
 * arrive in bursts, so a delay is what moves the kill to other points of the child's loop.
 */
export function runChild(build: ChildBuild, args: string[], killAfterAcks?: number, killDelayMs = 0): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [build.script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const acked: number[] = [];
    let partial = '';
    let killing = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
      }
      if (killAfterAcks !== undefined && acked.length >= killAfterAcks && !killing) {
        killing = true;
        if (killDelayMs > 0) setTimeout(() => child.kill('SIGKILL'), killDelayMs);
        else child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, acked, stdout, stderr });
    });
  });
}
