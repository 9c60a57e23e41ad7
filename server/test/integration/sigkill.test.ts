import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, createDoc, synced, upgradeStatus, waitFor } from '../support/harness.js';
import { docFiles, spawnServer, stopChild, type ChildServer } from './support.js';

/**
 * The compiled server as `npm start` runs it, killed for real. FSYNC_INTERVAL_MS=1000 so no fsync has
 * happened when SIGKILL lands: [D1] promises survival of a process crash once bytes reach the OS.
 */
type Client = ReturnType<typeof connectClient>;
const children: ChildServer[] = [];
const dirs: string[] = [];
const clients: Client[] = [];

async function start(dataDir: string): Promise<ChildServer> {
  const server = await spawnServer(dataDir);
  children.push(server);
  return server;
}
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-kill-'));
  dirs.push(dir);
  return dir;
}
function client(server: ChildServer, id: string, token: string): Client {
  const c = connectClient(server.wsUrl, id, token);
  clients.push(c);
  return c;
}
async function contentAfterRestart(dataDir: string, id: string, token: string): Promise<string> {
  const server = await start(dataDir);
  const fresh = client(server, id, token);
  await synced(fresh.provider);
  return fresh.text.toString();
}

afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await Promise.all(children.splice(0).map(stopChild));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('process crash and shutdown of the real server process', () => {
  it('[D1] an edit another client has received survives SIGKILL before any fsync', async () => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    const { id, editToken } = await createDoc(server.url);
    const a = client(server, id, editToken);
    const b = client(server, id, editToken);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.text.insert(0, 'crash-proof');
    await waitFor(() => b.text.toString() === 'crash-proof', 'B sees the edit');
    server.child.kill('SIGKILL');
    // Drop the clients at once so nobody can re-send the edit to the restarted server.
    a.destroy();
    b.destroy();
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(await contentAfterRestart(dataDir, id, editToken)).toBe('crash-proof');
  });

  it.each([
    ['after B has seen the last of 200 edits', 199],
    ['mid-burst, while appends are still in flight', 60],
  ])('[D1] a burst of 200 edits, SIGKILL %s: everything B saw is there', async (_name, killAt) => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    const { id, editToken } = await createDoc(server.url);
    const a = client(server, id, editToken);
    const b = client(server, id, editToken);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    let seen: string | undefined;
    const trigger = `e${killAt};`;
    b.text.observe(() => {
      if (seen !== undefined || !b.text.toString().includes(trigger)) return;
      seen = b.text.toString();
      server.child.kill('SIGKILL');
      queueMicrotask(() => {
        a.destroy();
        b.destroy();
      });
    });
    for (let i = 0; i < 200; i++) a.text.insert(a.text.length, `e${i};`);
    await waitFor(() => seen !== undefined, 'B sees the trigger edit', 10_000);
    await server.exited;
    const expected = Array.from({ length: killAt + 1 }, (_, i) => `e${i};`).join('');
    expect(seen!.startsWith(expected)).toBe(true);
    const after = await contentAfterRestart(dataDir, id, editToken);
    // Everything B saw, in order; possibly more (appended but not yet relayed when the kill landed).
    expect(after.startsWith(seen!)).toBe(true);
    expect(after).toMatch(/^(e\d+;)*$/);
  });

  it('[S1] SIGTERM closes sockets with 1001, exits 0 promptly, leaves only the compacted snapshot and loses nothing', async () => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    const { id, editToken } = await createDoc(server.url);
    const a = client(server, id, editToken);
    const b = client(server, id, editToken);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    const codes: number[] = [];
    for (const c of [a, b]) {
      c.provider.on('connection-close', (event) => {
        codes.push(event?.code ?? -1);
        c.provider.shouldConnect = false;
      });
    }
    a.text.insert(0, 'alpha ');
    b.text.insert(0, 'beta ');
    await waitFor(() => a.text.length === 11 && b.text.toString() === a.text.toString(), 'clients converge');
    const content = a.text.toString();
    server.child.kill('SIGTERM');
    await waitFor(() => codes.length === 2, 'both clients closed');
    expect(codes).toEqual([1001, 1001]);
    // `exited` is bounded: a shutdown that hangs fails here.
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    a.destroy();
    b.destroy();
    // Final write: the log was folded into a snapshot, and no log record is left after it.
    const files = await docFiles(dataDir, id);
    const generation = (prefix: string) =>
      Math.max(-1, ...Object.keys(files).filter((f) => new RegExp(`^${prefix}\\.\\d+$`).test(f)).map((f) => Number(f.split('.')[1])));
    const snapshotGen = generation('snapshot');
    expect(snapshotGen, JSON.stringify(files)).toBeGreaterThanOrEqual(0);
    expect(files[`snapshot.${snapshotGen}`]).toBeGreaterThan(0);
    for (const [name, size] of Object.entries(files)) {
      if (/^log\.\d+$/.test(name) && Number(name.split('.')[1]) >= snapshotGen) expect(size, name).toBe(0);
    }
    // [D9] The verified snapshot replaced every older generation: nothing below it is left.
    const older = Object.keys(files).filter((f) => /^(snapshot|log)\.\d+$/.test(f) && Number(f.split('.')[1]) < snapshotGen);
    expect(older, JSON.stringify(files)).toEqual([]);
    expect(Object.keys(files).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(await contentAfterRestart(dataDir, id, editToken)).toBe(content);
  });

  it('[H1][S1] once SIGTERM is sent, new upgrades are refused (503 on a live connection, no socket at all otherwise)', async () => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    const { id, editToken } = await createDoc(server.url);
    const a = client(server, id, editToken);
    await synced(a.provider);
    let closeCode: number | undefined;
    a.provider.on('connection-close', (event) => {
      closeCode = event?.code;
      a.provider.shouldConnect = false;
    });
    const path = `/collab/${id}?token=${editToken}`;
    const upgradeHeaders =
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n\r\n';
    // A peer that never answers the close handshake keeps the shutdown in its drain phase for ~1 s.
    const stubborn = await tcp(server.port);
    stubborn.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgradeHeaders}`);
    await waitFor(() => received(stubborn).startsWith('HTTP/1.1 101'), 'stubborn socket upgraded');
    // A connection with an upgrade request under way (headers half sent) when the signal arrives. It is
    // pipelined behind a /healthz request: once that is answered, the server has read the partial request.
    const pending = await tcp(server.port);
    pending.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    await waitFor(() => received(pending).includes('"status":"ok"'), 'pipelined /healthz answered');
    buffers.set(pending, '');

    server.child.kill('SIGTERM');
    await waitFor(() => closeCode !== undefined, 'client closed by shutdown');
    expect(closeCode).toBe(1001);
    pending.write(upgradeHeaders);
    await waitFor(() => /^HTTP\/1\.1 \d{3}/.test(received(pending)), 'answer to the pending upgrade');
    expect(received(pending)).toMatch(/^HTTP\/1\.1 503/);
    // A brand-new connection gets no socket either (the listener is closed, or it is refused).
    const fresh = await upgradeStatus(`${server.wsUrl}/${id}?token=${editToken}`).catch(() => 0);
    expect(fresh).not.toBe(101);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    stubborn.destroy();
    pending.destroy();
  });
});

const buffers = new WeakMap<Socket, string>();
function tcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    buffers.set(socket, '');
    socket.on('data', (chunk: Buffer) => buffers.set(socket, buffers.get(socket)! + chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}
const received = (socket: Socket) => buffers.get(socket) ?? '';
