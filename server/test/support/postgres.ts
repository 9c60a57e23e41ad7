/**
 * Throwaway PostgreSQL servers for tests: a fresh cluster in a temp dir, listening on a free loopback port
 * (never the machine's own server on 5432), trust auth, durability switched off for speed.
 *
 * The server binaries come from Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin); .ci/run
 * installs it. When they are missing this throws — tests that need PostgreSQL fail, they do not skip.
 * PostgreSQL refuses to run as root, so under root the cluster belongs to the `postgres` OS user and every
 * server command runs through `runuser -u postgres --`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const POSTGRES_LIB = '/usr/lib/postgresql';

export interface TestPostgres {
  /** Superuser URL of the `postgres` database, e.g. postgresql://postgres@127.0.0.1:41234/postgres. */
  readonly url: string;
  readonly port: number;
  /** Kills the server the hard way (`pg_ctl stop -m immediate`): open connections just die. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** The newest installed server's bin directory; throws, saying what to install, when there is none. */
export function findPostgresBinDir(): string {
  const versions = existsSync(POSTGRES_LIB)
    ? readdirSync(POSTGRES_LIB)
        .filter((name) => existsSync(join(POSTGRES_LIB, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL server binaries not found (${POSTGRES_LIB}/*/bin/initdb): install Debian's "postgresql" package ` +
        '(`apt-get install postgresql`; .ci/run does this)',
    );
  }
  return join(POSTGRES_LIB, versions[0]!, 'bin');
}

/** The uid/gid to own the cluster when running as root, null otherwise. */
async function serverUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, but there is no "postgres" OS user to run the test PostgreSQL server as');
  }
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const binDir = findPostgresBinDir();
  const owner = await serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'tandem-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  // The server's environment: no PG* variables of ours leaking into its defaults.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  const server = (tool: string, args: string[]) => {
    const command = owner ? ['runuser', '-u', 'postgres', '--', join(binDir, tool), ...args] : [join(binDir, tool), ...args];
    return run(command[0]!, command.slice(1), { env, cwd: dir });
  };

  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    await server('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let port = 0;
  const pgCtlStart = () => server('pg_ctl', ['start', '-w', '-t', '30', '-D', dataDir, '-l', logFile]);
  // Another process may take the free port before the server binds it: then pick another.
  for (let attempt = 1; ; attempt++) {
    port = await freeLoopbackPort();
    // In postgresql.conf, not on the command line, so a later start() brings the same settings back.
    // Test-only speedups: nothing here has to survive a power cut.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      [
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'full_page_writes = off',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    try {
      await pgCtlStart();
      break;
    } catch (err) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`test PostgreSQL did not start: ${String(err)}\n${log}`);
    }
  }

  let running = true;
  const stop = async (): Promise<void> => {
    if (!running) return;
    running = false;
    await server('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', dataDir]);
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    async start() {
      if (running) return;
      await pgCtlStart();
      running = true;
    },
    async destroy() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
