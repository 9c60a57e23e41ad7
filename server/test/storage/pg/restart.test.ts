/**
 * The PostgreSQL store while its database goes away and comes back [PG3][PG4][PG6]. These tests stop and
 * start the server, so they get one of their own instead of the run's shared one.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppendQueueFullError } from '../../../src/storage/pg/append-queue.js';
import { isTransientPgError } from '../../../src/storage/pg/errors.js';
import { PgStore } from '../../../src/storage/pg/store.js';
import { within } from '../../support/harness.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild } from '../helpers.js';
import { historyEntry } from '../history-contract.js';
import { freshSchema, pgHarness, type PgHarness } from './helpers.js';

let server: TestPostgres;
let harnesses: PgHarness[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.destroy();
});
afterEach(async () => {
  await server.start();
  await Promise.all(harnesses.map((h) => h.cleanup()));
  harnesses = [];
});

/** Short backoff so recovery is quick to observe. */
async function harness(options: Parameters<typeof pgHarness>[0] = {}): Promise<PgHarness> {
  const h = await pgHarness({ retry: { initialMs: 20, maxMs: 200 }, ...options }, server.url);
  harnesses.push(h);
  return h;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * While the database is stopped, something that takes its port and drops every connection at once (as a
 * server still starting up would): counting them tells the test how often the store has tried again.
 */
async function countRetries(port: number): Promise<{ attempts(): number; close(): Promise<void> }> {
  let attempts = 0;
  const server: Server = createServer((socket) => {
    attempts++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('[PG3][PG4] PostgreSQL restarts mid-append', () => {
  it('[PG3][PG4] appends made while it is down commit once it is back, none lost; health goes false, then true', async () => {
    const h = await harness({ maxQueuedBytes: 256 * 1024 });
    const { store } = h;
    const id = newDocId();
    await store.create(makeMeta(id));
    const editor = new EditingDoc();
    let next = 0;
    const burst = (count: number): Promise<void>[] => Array.from({ length: count }, () => store.append(id, editor.edit(next++)));

    await Promise.all(burst(20));
    expect(store.healthy).toBe(true);

    // Appends in flight as the server dies, then more while it is down.
    const inFlight = burst(20);
    await server.stop();
    const whileDown = burst(20);
    await waitFor('the store reports the database unreachable', () => !store.healthy);
    let settled = 0;
    let settledWhileDown = 0;
    for (const p of [...inFlight, ...whileDown]) void p.finally(() => settled++);
    for (const p of whileDown) void p.finally(() => settledWhileDown++);
    // Several retries come and go (appends and health probes both connect); appends made while the database is
    // away neither commit nor fail meanwhile (those in flight at the stop may have committed just before it).
    const port = await countRetries(server.port);
    await waitFor('the store tries the database again and again', () => port.attempts() >= 5);
    await port.close();
    expect(settled).toBeLessThan(40);
    expect(settledWhileDown).toBe(0);
    expect(store.queuedBytes).toBeGreaterThan(0);
    // The bound still holds while waiting: an append that would cross it is refused at once.
    await expect(store.append(id, new Uint8Array(300 * 1024).fill(7))).rejects.toBeInstanceOf(AppendQueueFullError);
    expect(await store.health()).toBe(false);

    await server.start();
    await Promise.all([...inFlight, ...whileDown]);
    await waitFor('the store reports the database reachable again', () => store.healthy);
    expect(await store.health()).toBe(true);
    expect(store.queuedBytes).toBe(0);

    await Promise.all(burst(5));
    const stored = (await store.load(id))!;
    // A batch whose commit reply was lost with the connection is written again: harmless duplicates.
    expect(stored.log.length).toBeGreaterThanOrEqual(next);
    expect(content(rebuild(stored))).toEqual(content(editor.doc));
    await h.reopen();
    expect(content(rebuild((await h.store.load(id))!))).toEqual(content(editor.doc));
  });

  it('[PG7][HI2] history entries made while it is down commit once it is back, in order; health follows', async () => {
    const h = await harness();
    const { store } = h;
    const id = newDocId();
    await store.create(makeMeta(id));
    await store.appendHistory(id, historyEntry(0));
    await server.stop();
    const whileDown = Array.from({ length: 20 }, (_, i) => store.appendHistory(id, historyEntry(1 + i)));
    await waitFor('the store reports the database unreachable', () => !store.healthy);
    expect(store.queuedBytes).toBeGreaterThan(0);
    await server.start();
    await Promise.all(whileDown);
    await waitFor('the store reports the database reachable again', () => store.healthy);
    expect(store.queuedBytes).toBe(0);
    // Nothing was in flight when the server stopped, so no batch can have been written twice.
    expect(await store.readHistory(id)).toEqual(Array.from({ length: 21 }, (_, i) => historyEntry(i)));
  });

  it('[PG4] an idle store notices a restart and recovers; dropped idle connections do not crash the process', async () => {
    const h = await harness();
    const id = newDocId();
    await h.store.create(makeMeta(id));
    await server.stop();
    await waitFor('the store notices', () => !h.store.healthy);
    await expect(h.store.load(id)).rejects.toSatisfy(isTransientPgError);
    await server.start();
    await waitFor('the store recovers by itself', () => h.store.healthy);
    expect(await h.store.getMeta(id)).toMatchObject({ id });
  });

  it('[PG1][PG4] a store opened while the database is down is not ready, and gets ready by itself once it answers', async () => {
    await server.stop();
    const store = new PgStore({ databaseUrl: server.url, schema: freshSchema(), retry: { initialMs: 20, maxMs: 200 } });
    try {
      await expect(store.ready()).rejects.toSatisfy(isTransientPgError);
      expect(store.healthy).toBe(false);
      await server.start();
      await waitFor('the store creates its tables and reports ready', () => store.healthy);
      const id = newDocId();
      await store.create(makeMeta(id));
      await store.append(id, new EditingDoc().edit(0));
      expect((await store.load(id))!.log).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('[PG6] close() while the database is down gives up after closeTimeoutMs and rejects what is still queued', async () => {
    const h = await harness({ closeTimeoutMs: 300 });
    const id = newDocId();
    await h.store.create(makeMeta(id));
    await server.stop();
    const pending = h.store.append(id, new EditingDoc().edit(0));
    await within(h.store.close(), 3_000, 'close() to give up on the absent database');
    await expect(pending).rejects.toSatisfy(isTransientPgError);
  });
});
