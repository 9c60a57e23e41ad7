/**
 * [U4] heap probe, run by lifecycle.test.ts as `node --expose-gc heap-probe.mjs` (vitest workers have no
 * `gc()`). Starts the compiled server in this process, opens and closes documents with the stock client,
 * and prints one JSON line: heap after a warm-up round vs. after DOCS more documents came and went.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { loadConfig } from '../../dist/config.js';
import { createLogger } from '../../dist/logger.js';
import { startServer } from '../../dist/server.js';

const DOCS = Number(process.env.DOCS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 40);
const CONCURRENCY = 10;
const BODY = 'x'.repeat(Number(process.env.DOC_CHARS ?? 20_000));

async function until(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const dir = await mkdtemp(join(tmpdir(), 'tandem-heap-'));
await mkdir(join(dir, 'no-editor'));
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', ROOM_IDLE_MS: '20', FSYNC_INTERVAL_MS: '50' });
const server = await startServer(config, createLogger('silent'), { editorDist: join(dir, 'no-editor') });
const wsUrl = `${server.url.replace(/^http/, 'ws')}/collab`;

async function metric(name) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Create via the API, connect a stock client, type, wait until the server has it, disconnect. */
async function openAndClose(i) {
  const res = await fetch(`${server.url}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: `doc ${i}` }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
  const { id, editToken } = await res.json();
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, id, doc, { WebSocketPolyfill: WebSocket, params: { token: editToken }, disableBc: true });
  await new Promise((resolve) => provider.once('sync', resolve));
  doc.getText('t').insert(0, BODY);
  await until(() => server.registry.peek(id)?.doc.getText('t').length === BODY.length, 'server has the edit');
  provider.destroy();
  doc.destroy();
}

async function round(count) {
  let next = 0;
  const worker = async () => {
    while (next < count) await openAndClose(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await until(async () => (await metric('tandem_open_documents')) === 0 && server.registry.size === 0, 'all documents closed');
}

async function settledHeap() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().heapUsed;
}

await round(WARMUP);
const baseline = await settledHeap();
await round(DOCS);
const after = await settledHeap();
const result = {
  baseline,
  after,
  docs: DOCS,
  openDocuments: await metric('tandem_open_documents'),
  connections: await metric('tandem_connections'),
  loads: await metric('tandem_document_loads_total'),
  unloads: await metric('tandem_document_unloads_total'),
};
await server.close();
await rm(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
