/**
 * Resource limits against clients that take more than their share. Covered elsewhere and not repeated:
 * MAX_CONNECTIONS_PER_DOC (integration/limits "[L3] … 1013"), MAX_MESSAGES_PER_SECOND (integration/limits
 * "[L4]"), MAX_DOC_BYTES (integration/limits "[L2]"), MAX_MESSAGE_BYTES (raw-protocol "[L1]" and
 * hostile/frames "[L1]").
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeAwareness, encodeAwarenessEntries } from '../../src/protocol/messages.js';
import { FileStore } from '../../src/storage/file/store.js';
import { GatedStore } from '../support/gated-store.js';
import type { Socket } from 'node:net';
import { connectClient, createDoc, synced, type TestServer, upgradeStatus, waitFor, withServer } from '../support/harness.js';
import { rawJoin } from '../integration/support.js';
import { LightClient, Opcode, UPGRADE_HEADERS, expectServerLetGo, frame, metric, rawUpgrade, requestHead, statusOf, tcp } from './support.js';

const trips = (s: TestServer, limit: string) => metric(s.url, 'tandem_limit_trips_total', `limit="${limit}"`);

describe('connection caps [L3][L7]', () => {
  it('[L7] MAX_CONNECTIONS_PER_IP=3: the fourth socket from one address gets 503 (connections_per_ip); a freed slot is reusable', () =>
    withServer({ MAX_CONNECTIONS_PER_IP: '3' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const url = `${s.wsUrl}/${id}?token=${editToken}`;
      const open = [rawJoin(url), rawJoin(url), rawJoin(url)];
      await Promise.all(open.map((o) => o.joined));
      expect(await upgradeStatus(url)).toBe(503);
      expect(await upgradeStatus(url)).toBe(503);
      expect(await trips(s, 'connections_per_ip')).toBe(2);
      open[0]!.ws.close();
      await open[0]!.closed;
      await waitFor(async () => (await metric(s.url, 'tandem_connections')) === 2, 'slot freed');
      expect(await upgradeStatus(url)).toBe(101);
      open.slice(1).forEach((o) => o.ws.close());
    }));

  it('[L3] MAX_CONNECTIONS=2: the third socket gets 503 and the trip is counted (connections)', () =>
    withServer({ MAX_CONNECTIONS: '2' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const url = `${s.wsUrl}/${id}?token=${editToken}`;
      const open = [rawJoin(url), rawJoin(url)];
      await Promise.all(open.map((o) => o.joined));
      expect(await upgradeStatus(url)).toBe(503);
      expect(await trips(s, 'connections')).toBe(1);
      open.forEach((o) => o.ws.close());
    }));
});

describe('nothing is held before authentication [H1][L8]', () => {
  it('[H1] 100 unauthenticated upgrades at once: each gets 401 and its TCP connection is closed by the server', () =>
    withServer({}, async (s) => {
      const { id } = await createDoc(s.url);
      const conns = await Promise.all(Array.from({ length: 100 }, () => tcp(s.port, { allowHalfOpen: true })));
      for (const conn of conns) conn.socket.write(requestHead(`/collab/${id}`, UPGRADE_HEADERS));
      await Promise.all(conns.map((conn) => expectServerLetGo(conn, 'unauthenticated upgrade', 10_000)));
      expect(conns.map(statusOf)).toEqual(conns.map(() => 401));
      expect(await metric(s.url, 'tandem_connections')).toBe(0);
    }));

  it('[L8] requests that never finish their head or body are cut off with 408 (request_timeout), however they trickle', () =>
    withServer(
      {},
      async (s) => {
        const { id, editToken } = await createDoc(s.url);
        const stalled = await tcp(s.port, { allowHalfOpen: true });
        stalled.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const upgrade = await tcp(s.port, { allowHalfOpen: true });
        upgrade.socket.write(`GET /collab/${id}?token=${editToken} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
        const trickle = await tcp(s.port, { allowHalfOpen: true });
        trickle.socket.write('GET /healthz HTTP/1.1\r\n');
        let line = 0;
        const drip = setInterval(() => trickle.socket.writable && trickle.socket.write(`X-Drip-${line++}: 1\r\n`), 50);
        const body = await tcp(s.port, { allowHalfOpen: true });
        body.socket.write('POST /api/docs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ti');
        try {
          for (const [name, conn] of [['stalled head', stalled], ['stalled upgrade head', upgrade], ['trickled head', trickle]] as const) {
            await expectServerLetGo(conn, name, 3000);
            expect(statusOf(conn), name).toBe(408);
          }
          await expectServerLetGo(body, 'stalled body', 5000);
          expect(statusOf(body)).toBe(408);
        } finally {
          clearInterval(drip);
        }
        expect(await trips(s, 'request_timeout')).toBe(4);
        expect(s.logs.some((l) => l.limit === 'request_timeout')).toBe(true);
        expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      },
      { httpTimeouts: { headersMs: 400, requestMs: 1500, checkIntervalMs: 100 } },
    ));
});

describe('open documents [L6]', () => {
  it('[L6] MAX_OPEN_DOCS=2: a third document is refused with 503 over HTTP and before the upgrade (open_documents); after unloads it opens', () =>
    withServer({ MAX_OPEN_DOCS: '2', ROOM_IDLE_MS: '100' }, async (s) => {
      const docs = await Promise.all([createDoc(s.url), createDoc(s.url), createDoc(s.url)]);
      const url = (d: (typeof docs)[number]) => `${s.wsUrl}/${d.id}?token=${d.editToken}`;
      const open = [rawJoin(url(docs[0]!)), rawJoin(url(docs[1]!))];
      await Promise.all(open.map((o) => o.joined));
      const third = docs[2]!;
      expect(await upgradeStatus(url(third))).toBe(503);
      const res = await fetch(`${s.url}/api/docs/${third.id}`, { headers: { authorization: `Bearer ${third.viewToken}` } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('too_many_documents');
      expect(await trips(s, 'open_documents')).toBe(2);
      open.forEach((o) => o.ws.close());
      await waitFor(() => s.registry.size === 0, 'rooms unloaded');
      expect(await upgradeStatus(url(third))).toBe(101);
    }));

  it('[L6] a socket that passed the check while another document was still loading is closed with 1013', async () => {
    let gated!: GatedStore;
    await withServer(
      { MAX_OPEN_DOCS: '1' },
      async (s) => {
        const [slow, other] = [await createDoc(s.url), await createDoc(s.url)];
        gated.holdLoads(slow.id);
        const first = rawJoin(`${s.wsUrl}/${slow.id}?token=${slow.editToken}`);
        // The first document is loading (held at the gate): nothing is open yet, so the second passes the
        // pre-upgrade check, and is refused once the registry sees the load in progress.
        await waitFor(() => gated.loadsHeld > 0, 'first load under way');
        const second = rawJoin(`${s.wsUrl}/${other.id}?token=${other.editToken}`);
        expect(await second.closed).toBe(1013);
        gated.releaseLoads();
        await first.joined;
        expect(await trips(s, 'open_documents')).toBe(1);
        first.ws.close();
      },
      { store: (dataDir) => (gated = new GatedStore(new FileStore({ dataDir, fsyncIntervalMs: 50 }), { holdAppends: false })) },
    );
  });
});

describe('messages sent before the document is open [L4]', () => {
  it('[L4] while a document loads, a socket may queue one burst (2 × MAX_MESSAGES_PER_SECOND messages, 2 × MAX_MESSAGE_BYTES); beyond it, 1008 (message_rate)', async () => {
    let gated!: GatedStore;
    await withServer(
      { MAX_MESSAGES_PER_SECOND: '5', MAX_MESSAGE_BYTES: '65536' },
      async (s) => {
        const { id, editToken } = await createDoc(s.url);
        gated.holdLoads(id);
        const url = `${s.wsUrl}/${id}?token=${editToken}`;
        const many = await rawUpgrade(s.port, `/collab/${id}?token=${editToken}`);
        await waitFor(() => gated.loadsHeld > 0, 'load under way');
        for (let i = 0; i < 50; i++) many.send(frame(Opcode.Binary, new Uint8Array([3])));
        await waitFor(() => many.closeCode() !== undefined, 'closed');
        expect(many.closeCode()).toBe(1008);
        const big = await rawUpgrade(s.port, `/collab/${id}?token=${editToken}`);
        for (let i = 0; i < 3; i++) big.send(frame(Opcode.Binary, new Uint8Array(60_000)));
        await waitFor(() => big.closeCode() !== undefined, 'closed');
        expect(big.closeCode()).toBe(1008);
        expect(await trips(s, 'message_rate')).toBe(2);
        // A client that sends what a stock client sends while waiting gets in once the load finishes.
        const polite = rawJoin(url);
        gated.releaseLoads();
        await polite.joined;
        polite.ws.close();
      },
      { store: (dataDir) => (gated = new GatedStore(new FileStore({ dataDir, fsyncIntervalMs: 50 }), { holdAppends: false })) },
    );
  });
});

describe('slow readers [L5]', () => {
  it('[L5] a client that stops reading is dropped once MAX_BUFFERED_BYTES are queued to it (buffered_bytes); memory stays bounded', () =>
    withServer({ MAX_BUFFERED_BYTES: String(64 * 1024), MAX_MESSAGES_PER_SECOND: '5000' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const path = `/collab/${id}?token=${editToken}`;
      const reader = await rawUpgrade(s.port, path);
      await waitFor(() => s.registry.peek(id)?.connections.size === 1, 'reader joined');
      reader.socket.pause(); // reads nothing from now on
      const writer = rawJoin(`${s.wsUrl}/${id}?token=${editToken}`);
      await writer.joined;
      // 64 KiB cursor states: relayed to the reader, never stored, so only the reader's queue could grow.
      const state = (clock: number) =>
        encodeAwareness(encodeAwarenessEntries([{ clientId: 777, clock, state: JSON.stringify({ pad: 'p'.repeat(64 * 1024), clock }) }]));
      const memoryBefore = process.memoryUsage();
      let peakExternal = 0;
      let sent = 0;
      const total = 1500; // ~96 MiB if nobody stopped it
      for (; sent < total && s.registry.peek(id)!.connections.size === 2; sent++) {
        writer.ws.send(state(sent + 1));
        if (sent % 25 === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers);
        }
      }
      await waitFor(async () => (await trips(s, 'buffered_bytes')) === 1, 'reader dropped');
      const sentMiB = (sent * 64) / 1024;
      console.info(
        `[hostile] slow reader dropped after ${sentMiB.toFixed(1)} MiB were sent to it; Buffer memory peaked ${((peakExternal - memoryBefore.arrayBuffers) / 2 ** 20).toFixed(1)} MiB above the start`,
      );
      expect(sent).toBeLessThan(total);
      expect(peakExternal - memoryBefore.arrayBuffers).toBeLessThan(48 * 2 ** 20);
      expect(s.registry.peek(id)!.connections.size).toBe(1);
      reader.socket.resume();
      await waitFor(() => reader.isClosed(), 'the reader connection is gone');
      // The writer is unaffected: the server still answers its query for awareness.
      let answers = 0;
      writer.ws.on('message', (data: Buffer) => data[0] === 1 && answers++);
      writer.ws.send(new Uint8Array([3]));
      await waitFor(() => answers > 0, 'the server answers the writer');
      expect(writer.ws.readyState).toBe(WebSocket.OPEN);
      writer.ws.close();
    }));
});

describe('readers that fall behind [RL5]', () => {
  it('[RL5] a stock client that stops reading while 40 MiB of edits go through a small document is not dropped: it is caught up once it reads again', () =>
    withServer({ HISTORY: 'off', MAX_BUFFERED_BYTES: String(4 * 1024 * 1024), MAX_MESSAGES_PER_SECOND: '5000' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const reader = connectClient(s.wsUrl, id, editToken);
      const writer = connectClient(s.wsUrl, id, editToken);
      await Promise.all([synced(reader.provider), synced(writer.provider)]);
      const readerSocket = (reader.provider.ws as unknown as { _socket: Socket })._socket;
      readerSocket.pause(); // reads nothing from now on: the kernel's buffers fill, then the server's queue
      // Each round types 64 KiB and erases it: the traffic grows, the document (history off) stays small.
      const chunk = 'x'.repeat(64 * 1024);
      for (let round = 0; round < 640; round++) {
        writer.text.insert(0, chunk);
        writer.text.delete(0, chunk.length);
        writer.text.insert(writer.text.length, `${round} `);
        if (round % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const expected = writer.text.toString();
      await waitFor(() => s.registry.peek(id)!.doc.getText('t').toString() === expected, 'the server has every edit', 20_000);
      // Without [RL5] the server would have queued the reader every relay, past MAX_BUFFERED_BYTES [L5].
      expect(await trips(s, 'buffered_bytes')).toBe(0);
      readerSocket.resume();
      await waitFor(() => reader.text.toString() === expected, 'the reader holds every edit', 20_000);
      expect(await metric(s.url, 'tandem_reader_catch_ups_total')).toBeGreaterThanOrEqual(1);
      expect(await trips(s, 'buffered_bytes')).toBe(0);
      expect(s.registry.peek(id)!.connections.size).toBe(2);
      reader.destroy();
      writer.destroy();
    }));
});

describe('reconnect storms [U1][RL1][RL2]', () => {
  it('[RL1][RL2] 500 clients reconnecting within 2.5 s, 50 of them with offline edits, all converge', () =>
    withServer({ MAX_CONNECTIONS_PER_IP: '1000', MAX_CONNECTIONS_PER_DOC: '1000', ROOM_IDLE_MS: '5000' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const url = `${s.wsUrl}/${id}?token=${editToken}`;
      const clients = Array.from({ length: 500 }, () => new LightClient(url));
      for (let i = 0; i < clients.length; i += 50) await Promise.all(clients.slice(i, i + 50).map((c) => c.connect()));
      await waitFor(() => s.registry.peek(id)?.connections.size === 500, 'all connected');
      await Promise.all(clients.map((c) => c.disconnect()));
      await waitFor(() => s.registry.peek(id)?.connections.size === 0, 'all gone');
      // Offline edits, then everybody comes back at a random moment within 2.5 s.
      const editors = clients.filter((_, i) => i % 10 === 0);
      editors.forEach((c, i) => c.doc.getText('t').insert(0, `[${i}]`));
      const started = Date.now();
      await Promise.all(
        clients.map(
          (c) =>
            new Promise<void>((resolve, reject) =>
              setTimeout(() => c.connect().then(resolve, reject), Math.random() * 2500),
            ),
        ),
      );
      const reconnectedIn = Date.now() - started; // attempts all start within 2.5 s; joins finish as the machine allows
      const expected = editors.map((_, i) => `[${i}]`);
      const complete = (text: string) => text.length === expected.join('').length && expected.every((m) => text.includes(m));
      await waitFor(() => complete(s.registry.peek(id)!.doc.getText('t').toString()), 'the server has every edit', 20_000);
      const final = s.registry.peek(id)!.doc.getText('t').toString();
      await waitFor(() => clients.every((c) => c.text === final), 'every client converged', 30_000);
      console.info(`[hostile] 500 clients reconnected in ${reconnectedIn} ms and converged ${Date.now() - started} ms after the storm began`);
      expect(clients.every((c) => c.connects === 2)).toBe(true);
      await Promise.all(clients.map((c) => c.disconnect()));
    }), 90_000);
});
