/**
 * Helpers shared by the integration tests: the compiled server as a child process (exactly what `npm start`
 * runs), raw HTTP requests whose paths are sent byte for byte, and Prometheus metric reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';
import { expect } from 'vitest';
import * as Y from 'yjs';
import { waitFor, within } from '../support/harness.js';

export const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A port nobody listens on right now: bind port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  child: ChildProcess;
  port: number;
  url: string;
  wsUrl: string;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Settles when the process has exited; each read rejects if it has not within 15 s from then. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const EXIT_TIMEOUT_MS = 15_000;

/** Starts `node dist/main.js` on a free port and resolves once `/healthz` answers 200. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [DIST_MAIN], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      FSYNC_INTERVAL_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(
    async () => {
      if (gone) throw new Error(`server exited during start-up:\n${out}`);
      return fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    },
    'child server /healthz 200',
    15_000,
  );
  return {
    child,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/collab`,
    output: () => out,
    get exited() {
      return within(exited, EXIT_TIMEOUT_MS, `the server process (port ${port}) to exit`);
    },
  };
}

/** Kills a child still running (test clean-up); resolves once it is gone. */
export async function stopChild(server: ChildServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with `path` sent exactly as given (fetch would normalise `..` and `//`). With
 * `upgrade: true` it asks for a WebSocket and resolves 101 when the server switched protocols.
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; upgrade?: boolean } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (options.upgrade) {
    Object.assign(headers, {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
    });
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: options.method ?? 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The value of one sample in the server's `/metrics` text (0 when absent). */
export async function metric(baseUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = labels ? `${name}{${labels}}` : name;
  for (const line of text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space > 0 && line.slice(0, space) === wanted) return Number(line.slice(space + 1));
  }
  return 0;
}

/** Every file and directory under `dir` (relative paths, sorted). */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      out.push(relative(dir, full) + (entry.isDirectory() ? '/' : ''));
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return out.sort();
}

/** `{name: size}` of the files in one document's storage directory. */
export async function docFiles(dataDir: string, id: string): Promise<Record<string, number>> {
  const dir = join(dataDir, 'docs', id);
  const files: Record<string, number> = {};
  for (const name of await readdir(dir)) files[name] = (await stat(join(dir, name))).size;
  return files;
}

/**
 * A raw socket and a promise for the server's first sync step1 (`0, 0, …`): the socket has joined its room.
 * Listeners are attached before `open`, since the first frame can arrive in the same packet as the 101.
 * Each read of `joined` or `closed` rejects if it has not happened within 10 s from then.
 */
export function rawJoin(url: string): { ws: WebSocket; readonly joined: Promise<void>; readonly closed: Promise<number> } {
  const ws = new WebSocket(url);
  ws.binaryType = 'nodebuffer';
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const joined = new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 0) resolve();
    });
  });
  return {
    ws,
    get joined() {
      return within(joined, 10_000, 'a raw socket to join its room');
    },
    get closed() {
      return within(closed, 10_000, 'a raw socket to close');
    },
  };
}

/** Asserts a JSON error `{error, code}` with the given status. */
export async function expectError(res: Response, status: number, code?: string): Promise<void> {
  const body = (await res.json()) as { error?: unknown; code?: unknown };
  expect({ status: res.status, code: body.code }).toEqual({ status, code: code ?? body.code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof body.error).toBe('string');
}

/** Text and title (the `title` Y.Text) of a stored document (snapshot + log), read straight from the store. */
export const textOf = (update: { snapshot: Uint8Array | null; log: Uint8Array[] } | null) => {
  const doc = new Y.Doc();
  if (update?.snapshot) Y.applyUpdate(doc, update.snapshot);
  update?.log.forEach((u) => Y.applyUpdate(doc, u));
  return { text: doc.getText('t').toString(), title: doc.getText('title').toString() };
};

