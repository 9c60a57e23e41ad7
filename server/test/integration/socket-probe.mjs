/**
 * Idle-socket probe, run by lifecycle.test.ts as `node --expose-gc socket-probe.mjs` (vitest workers have no
 * `gc()`). Starts the compiled server in this process, opens SOCKETS sockets (PER_DOC per document) that each
 * finish their handshake and receive the server's sync step1, then — with every socket still open — counts how
 * many of the server's upgrade requests (`IncomingMessage`) are still alive after full GCs. An open socket
 * must keep nothing of its HTTP handshake (ANALYSIS.md §4). Prints one JSON line.
 */
import http from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadConfig } from '../../dist/config.js';
import { createLogger } from '../../dist/logger.js';
import { startServer } from '../../dist/server.js';

const SOCKETS = Number(process.env.SOCKETS ?? 200);
const PER_DOC = Number(process.env.PER_DOC ?? 5);

// Every upgrade request the server sees, weakly.
const requests = [];
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'upgrade') requests.push(new WeakRef(args[0]));
  return emit.call(this, event, ...args);
};

const dir = await mkdtemp(join(tmpdir(), 'tandem-sockets-'));
await mkdir(join(dir, 'no-editor'));
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', ROOM_IDLE_MS: '60000', FSYNC_INTERVAL_MS: '50' });
const server = await startServer(config, createLogger('silent'), { editorDist: join(dir, 'no-editor') });
const wsUrl = `${server.url.replace(/^http/, 'ws')}/collab`;

async function settle() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const docs = [];
for (let i = 0; i < SOCKETS / PER_DOC; i++) {
  const res = await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
  docs.push(await res.json());
}

/** Opens a socket and resolves once the server's first frame (its sync step1 [H2]) arrived. */
function join1({ id, editToken }) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/${id}?token=${editToken}`);
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

const sockets = [];
for (const doc of docs) sockets.push(...(await Promise.all(Array.from({ length: PER_DOC }, () => join1(doc)))));
await settle();
const alive = requests.filter((ref) => ref.deref() !== undefined).length;
const result = {
  sockets: sockets.length,
  connections: server.registry.size > 0 ? Number((await (await fetch(`${server.url}/metrics`)).text()).match(/^tandem_connections (\d+)/m)?.[1]) : 0,
  upgradeRequests: requests.length,
  upgradeRequestsAlive: alive,
};
for (const ws of sockets) ws.close();
await server.close();
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
