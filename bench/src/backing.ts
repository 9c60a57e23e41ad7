import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLK_TCK, cpuSeconds, machineBusySeconds } from './proc.js';
import { freePort } from './servers.js';
import { waitFor } from './util.js';

/**
 * The backing services of several Tandem instances, for the "instances" scenario: one throwaway redis-server
 * and one throwaway PostgreSQL cluster, each on a free loopback port — never the machine's own services on
 * 6379/5432. The same approach as server/test/support/redis.ts and postgres.ts (those import the test
 * harness, so they are not imported here): Debian's binaries, a temp directory, nothing kept afterwards.
 *
 * Unlike the tests' PostgreSQL, this one keeps PostgreSQL's default durability (fsync, synchronous commit):
 * the benchmark measures what a deployment pays (docker-compose.yml runs postgres with its defaults).
 * PostgreSQL refuses to run as root, so under root the cluster belongs to the `postgres` OS user and every
 * server command runs through `runuser -u postgres --`.
 */

const run = promisify(execFile);
const REDIS_SERVER = '/usr/bin/redis-server';
const POSTGRES_LIB = '/usr/lib/postgresql';

export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** For a signal handler: kill it and remove its directory, synchronously. */
  stopSync(): void;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

export async function startRedis(): Promise<BenchRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: install Debian's redis-server (apt-get install redis-server)`);
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!gone) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (gone) throw new Error(`redis-server exited during start-up (port ${port})`);
      return ping(port);
    }, 10_000, `redis-server on port ${port}`, 50);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop,
    stopSync() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchPostgres {
  port: number;
  /** PID of the postmaster (its backends are its children). */
  pid(): number;
  /** Creates database `name` and returns its URL (superuser, trust auth on loopback). */
  createDatabase(name: string): Promise<string>;
  destroy(): Promise<void>;
  /** For a signal handler: stop it and remove its files, synchronously. */
  destroySync(): void;
}

function postgresBinDir(): string {
  const versions = existsSync(POSTGRES_LIB)
    ? readdirSync(POSTGRES_LIB)
        .filter((name) => existsSync(join(POSTGRES_LIB, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`PostgreSQL server binaries not found (${POSTGRES_LIB}/*/bin/initdb): install Debian's "postgresql" package`);
  }
  return join(POSTGRES_LIB, versions[0]!, 'bin');
}

async function postgresOwner(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, but there is no "postgres" OS user to run the benchmark PostgreSQL server as');
  }
}

export async function startPostgres(): Promise<BenchPostgres> {
  const binDir = postgresBinDir();
  const owner = await postgresOwner();
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  // No PG* variables of ours leaking into the server's or psql's defaults.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  const command = (tool: string, args: string[]) =>
    owner ? ['runuser', '-u', 'postgres', '--', join(binDir, tool), ...args] : [join(binDir, tool), ...args];
  const server = (tool: string, args: string[]) => {
    const c = command(tool, args);
    return run(c[0]!, c.slice(1), { env, cwd: dir });
  };
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    await server('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-instructions']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'max_connections = 200', ''].join('\n'),
    );
    try {
      await server('pg_ctl', ['start', '-w', '-t', '30', '-D', dataDir, '-l', logFile]);
      break;
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`benchmark PostgreSQL did not start: ${String(error)}\n${log}`);
    }
  }
  const base = `postgresql://postgres@127.0.0.1:${port}`;
  let running = true;
  return {
    port,
    pid: () => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]),
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      await run(join(binDir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', `${base}/postgres`, '-c', `CREATE DATABASE ${name}`], { env, timeout: 30_000 });
      return `${base}/${name}`;
    },
    async destroy() {
      if (running) {
        running = false;
        await server('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', dataDir]).catch(() => undefined);
      }
      await rm(dir, { recursive: true, force: true });
    },
    destroySync() {
      if (running) {
        running = false;
        const c = command('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', dataDir]);
        try {
          execFileSync(c[0]!, c.slice(1), { env, cwd: dir, stdio: 'ignore', timeout: 30_000 });
        } catch {
          /* already gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Direct children of `pid` (PostgreSQL's backends and helpers under the postmaster). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU seconds of a process, its live children and its children that have exited (cutime/cstime). */
function treeCpuSeconds(pid: number): number {
  let total = 0;
  try {
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = rest.slice(rest.lastIndexOf(')') + 2).split(' ');
    total += cpuSeconds(pid) + (Number(f[13]) + Number(f[14])) / CLK_TCK;
  } catch {
    return total;
  }
  for (const child of childrenOf(pid)) {
    try {
      total += cpuSeconds(child);
    } catch {
      /* exited meanwhile */
    }
  }
  return total;
}

/** CPU of a set of process trees over a window (cores = CPU seconds / wall seconds). */
export class TreeSampler {
  private startCpu = 0;
  private startWall = 0;
  private startMachine = 0;
  constructor(private readonly pids: () => number[]) {}
  private cpu(): number {
    return this.pids().reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  }
  mark(): void {
    this.startCpu = this.cpu();
    this.startMachine = machineBusySeconds();
    this.startWall = performance.now();
  }
  window(): { cores: number; machineCores: number } {
    const wall = (performance.now() - this.startWall) / 1000;
    return { cores: (this.cpu() - this.startCpu) / wall, machineCores: (machineBusySeconds() - this.startMachine) / wall };
  }
}
