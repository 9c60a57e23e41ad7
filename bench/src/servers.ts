import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientSpec, Target } from './client.js';
import { cpuSeconds, ProcSampler } from './proc.js';
import { pool, sleep, waitFor } from './util.js';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = join(BENCH_DIR, '..');

export type ServerKind = 'tandem' | 'tandem-nohist' | 'ywss' | 'hocus' | 'relay';

export const SERVER_LABEL: Record<ServerKind, string> = {
  tandem: 'Tandem',
  'tandem-nohist': 'Tandem, HISTORY=off',
  ywss: '@y/websocket-server',
  hocus: 'Hocuspocus',
  relay: 'raw ws relay',
};

/** Tandem, with history (its default) or without: the same build, started the same way. */
export function isTandem(kind: ServerKind): kind is 'tandem' | 'tandem-nohist' {
  return kind === 'tandem' || kind === 'tandem-nohist';
}

/**
 * What makes a Tandem variant, applied over every scenario's own settings: `tandem` pins history on (its
 * default, so a HISTORY=off in the bench's own environment cannot blur the comparison) and `tandem-nohist` is
 * the same server with HISTORY=off — the old behaviour, the baseline the cost of history is measured against.
 */
const VARIANT_ENV: Partial<Record<ServerKind, Record<string, string>>> = {
  tandem: { HISTORY: 'on' },
  'tandem-nohist': { HISTORY: 'off' },
};

/** Newest modification time under `paths` (as scripts/start.mjs decides whether to rebuild). */
function newest(paths: string[]): number {
  let latest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') visit(join(path, entry));
    } else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(join(REPO_ROOT, p)));
  return latest;
}

/** The Tandem entry point: `TANDEM_MAIN`, else server/dist/main.js built like `npm start` builds it. */
export function tandemMain(): string {
  if (process.env.TANDEM_MAIN) return process.env.TANDEM_MAIN;
  const main = join(REPO_ROOT, 'server/dist/main.js');
  // The server runs @tandem/common's compiled output, which the server's build compiles first.
  const since = newest(['server/src', 'server/tsconfig.json', 'common/src', 'common/package.json', 'common/tsconfig.json']);
  const stale = (path: string) => !existsSync(path) || statSync(path).mtimeMs < since;
  if (stale(main) || stale(join(REPO_ROOT, 'common/dist/index.js'))) {
    process.stderr.write('bench: building the server (npm run build -w server)…\n');
    execFileSync('npm', ['run', 'build', '-w', 'server'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return main;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerHandle {
  kind: ServerKind;
  target: Target;
  pid: number;
  dataDir: string;
  logPath: string;
  sampler: ProcSampler;
  /** Env overrides this run used (limits raised for the scenario). */
  env: Record<string, string>;
  /** Documents to use: created through the API for Tandem, fresh names for the others. */
  createDocs(n: number, prefix: string): Promise<ClientSpec[]>;
  /** Open documents / connections as the server reports them (null when it cannot say). */
  stats(): Promise<{ docs: number; connections: number; heapUsed?: number } | null>;
  /** Graceful stop (SIGTERM), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  /** Lines at warn level or above in the server's log (Tandem's pino JSON) — limit trips show up here. */
  warnings(): string[];
  /** From spawning the process until it first answered its readiness URL (ms). */
  readyMs: number;
  /** CPU the process had used by then (s). */
  readyCpuSec: number;
}

export interface StartOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** `--cpu-prof` into this directory (Tandem profiling runs). */
  cpuProfDir?: string;
}

export async function startServer(kind: ServerKind, options: StartOptions): Promise<ServerHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = await freePort();
  const env: Record<string, string> = { ...(options.env ?? {}), ...(VARIANT_ENV[kind] ?? {}) };
  const tandem = isTandem(kind);
  const logPath = join(options.dataDir, `..`, `${kind}-${port}.log`);
  const log = openSync(logPath, 'a');
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  // Diagnostics only (e.g. --heapsnapshot-signal=SIGUSR2); never set for measured runs.
  if (tandem && process.env.BENCH_TANDEM_NODE_ARGS) nodeArgs.push(...process.env.BENCH_TANDEM_NODE_ARGS.split(' '));
  let script: string;
  if (tandem) script = tandemMain();
  else script = join(BENCH_DIR, 'dist/servers', `${kind}.js`);
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const base = `http://127.0.0.1:${port}`;
  const statsUrl = tandem ? `${base}/metrics` : `${base}/stats`;
  const stats = async () => {
    try {
      const res = await fetch(statsUrl);
      if (!res.ok) return null;
      if (!tandem) return (await res.json()) as { docs: number; connections: number };
      const text = await res.text();
      const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      return {
        docs: metric('tandem_open_documents'),
        connections: metric('tandem_connections'),
        heapUsed: metric('tandem_process_nodejs_heap_size_used_bytes'),
      };
    } catch {
      return null;
    }
  };
  // Ready = the first answer from the server's readiness route (Tandem's /readyz; the peers' /stats, which the
  // bench adds to them), polled every 5 ms so start-up times of a few hundred ms are not rounded up.
  const readyUrl = tandem ? `${base}/readyz` : statsUrl;
  await waitFor(
    async () => {
      if (exitCode !== undefined) throw new Error(`${kind} exited with ${exitCode} during start-up; see ${logPath}`);
      try {
        return (await fetch(readyUrl)).ok;
      } catch {
        return false;
      }
    },
    20_000,
    `${kind} to listen`,
    5,
  );
  const readyMs = performance.now() - spawnedAt;
  const pid = child.pid!;
  const readyCpuSec = cpuSeconds(pid);
  const handle: ServerHandle = {
    kind,
    target: { proto: kind === 'hocus' ? 'hocus' : kind === 'relay' ? 'relay' : 'yws', port, tandem },
    pid,
    dataDir: options.dataDir,
    logPath,
    sampler: new ProcSampler(pid),
    env,
    async createDocs(n, prefix) {
      if (!tandem) return Array.from({ length: n }, (_, i) => ({ doc: `${prefix}-${i}`, cnum: 0 }));
      return pool(
        Array.from({ length: n }, (_, i) => i),
        8,
        async () => {
          for (let attempt = 0; ; attempt++) {
            const res = await fetch(`${base}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
            if (res.status === 201) {
              const body = (await res.json()) as { id: string; editToken: string };
              return { doc: body.id, token: body.editToken, cnum: 0 };
            }
            if (attempt >= 3) throw new Error(`POST /api/docs answered ${res.status}: ${await res.text()}`);
            await sleep(100);
          }
        },
      );
    },
    stats,
    async stop(graceMs = 15_000) {
      handle.sampler.stop();
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      // Let the OS release the port and files.
      await sleep(100);
      return code;
    },
    readyMs,
    readyCpuSec,
    warnings() {
      if (!tandem) return [];
      const text = readFileSync(logPath, 'utf8');
      return text.split('\n').filter((line) => /"level":(4|5|6)\d/.test(line));
    },
  };
  return handle;
}
