import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.js';
import type { DocStore } from '../../src/storage/doc-store.js';

/** A real server on 127.0.0.1:<free port> with a fresh temp DATA_DIR. */
export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl: string;
  config: Config;
  /** Every log line at `LOG_LEVEL` (default `warn`) and above, parsed: what the server said, for assertions. */
  logs: { level: number; msg: string; [key: string]: unknown }[];
  /** Stops the server and removes its data dir (unless the caller gave one). */
  dispose(): Promise<void>;
}

export interface TestServerOptions {
  /** Use this data dir (kept on dispose) instead of a fresh temp one. */
  dataDir?: string;
  /** Builds the server's store from its data dir (e.g. a GatedStore around a file store, or failing I/O). */
  store?: (dataDir: string) => DocStore;
  /** Shorter HTTP timeouts than the [L8] defaults. */
  httpTimeouts?: StartOptions['httpTimeouts'];
  onDocumentDeleted?: StartOptions['onDocumentDeleted'];
}

/**
 * The one in-process server harness: a real server (no mocks) with short idle and fsync intervals, its log
 * captured into `logs` (also printed when TEST_LOG_LEVEL is set), and the options above.
 */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tandem-test-')));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ROOM_IDLE_MS: '50',
    FSYNC_INTERVAL_MS: '50',
    ...env,
  });
  const logs: TestServer['logs'] = [];
  const echo = process.env.TEST_LOG_LEVEL !== undefined;
  const logger = createLogger(config.LOG_LEVEL, {
    write(line: string) {
      logs.push(JSON.parse(line) as TestServer['logs'][number]);
      if (echo) process.stderr.write(line);
    },
  });
  const editorDist = join(dir, 'no-editor');
  await mkdir(editorDist, { recursive: true });
  const server = await startServer(config, logger, {
    editorDist,
    ...(options.store ? { store: options.store(dir) } : {}),
    ...(options.httpTimeouts ? { httpTimeouts: options.httpTimeouts } : {}),
    ...(options.onDocumentDeleted ? { onDocumentDeleted: options.onDocumentDeleted } : {}),
  });
  return {
    ...server,
    dataDir: dir,
    config,
    logs,
    wsUrl: server.url.replace(/^http/, 'ws') + '/collab',
    async dispose() {
      await server.close();
      if (!options.dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` against a fresh server and always disposes it. */
export async function withServer<T>(
  env: Record<string, string>,
  fn: (server: TestServer) => Promise<T>,
  options: TestServerOptions = {},
): Promise<T> {
  const server = await startTestServer(env, options);
  try {
    return await fn(server);
  } finally {
    await server.dispose();
  }
}

export interface CreatedDoc {
  id: string;
  editToken: string;
  viewToken: string;
  commentToken: string;
  editUrl: string;
  viewUrl: string;
  commentUrl: string;
}

export async function createDoc(baseUrl: string, body?: unknown): Promise<CreatedDoc> {
  const res = await fetch(`${baseUrl}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedDoc;
}

/**
 * The stock client adds a process 'exit' listener per provider in Node (removed on `destroy`); tests that hold
 * dozens of clients at once would trip Node's leak warning at 11, a false alarm that would hide a real one.
 */
const MAX_CLIENTS_AT_ONCE = 200;
process.setMaxListeners(Math.max(process.getMaxListeners(), MAX_CLIENTS_AT_ONCE));

/** The stock y-websocket client, as browsers use it, over Node's `ws`. */
export function connectClient(
  wsUrl: string,
  docId: string,
  token: string,
  options: { doc?: Y.Doc; connect?: boolean } = {},
): { doc: Y.Doc; provider: WebsocketProvider; text: Y.Text; destroy(): void } {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, docId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    connect: options.connect ?? true,
    disableBc: true,
    maxBackoffTime: 200,
  });
  return {
    doc,
    provider,
    text: doc.getText('t'),
    destroy() {
      // Yjs gives a doc a new client id when a remote update writes under its own (hostile tests do exactly
      // that); y-websocket then says goodbye for `doc.clientID`, which its Awareness never knew, and throws.
      // The id the awareness was made with is the one to say goodbye for.
      doc.clientID = provider.awareness.clientID;
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). Never a fixed sleep. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `promise`, or a rejection saying what did not happen if it has not settled within `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once the provider has completed its first sync; rejects after `timeoutMs`. */
export function synced(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  let onSync: (isSynced: boolean) => void = () => {};
  const done = new Promise<void>((resolve) => {
    onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  return within(done, timeoutMs, `the provider of ${provider.roomname} to sync`).catch((error: unknown) => {
    provider.off('sync', onSync);
    throw error;
  });
}

const earlyFrames = new WeakMap<WebSocket, Buffer[]>();

/** Every binary frame `ws` received since it was created, live: frames arriving with the 101 are not missed. */
export function receivedFrames(ws: WebSocket): Buffer[] {
  const frames = earlyFrames.get(ws);
  if (!frames) throw new Error('not a socket from rawSocket()');
  return frames;
}

/** Opens a raw socket (no y-websocket client) and resolves when it is open; frames are recorded from the start. */
export function rawSocket(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<WebSocket> {
  const opened = new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.binaryType = 'nodebuffer';
    const frames: Buffer[] = [];
    earlyFrames.set(ws, frames);
    ws.on('message', (data: Buffer) => frames.push(data));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return within(opened, timeoutMs, 'a raw socket to open');
}

/** The status an upgrade attempt was refused with, or 101 when it succeeded. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<number> {
  const answered = new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
  return within(answered, timeoutMs, 'an answer to the upgrade');
}

/** Resolves with the close code and reason once `ws` closes; rejects after `timeoutMs`. */
export function closed(ws: WebSocket, timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
  const done = new Promise<{ code: number; reason: string }>((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve({ code: 1006, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return within(done, timeoutMs, 'the socket to close');
}
