/**
 * PostgreSQL goes away under a running instance ([CL3] for the database, [PG3][PG4]): the instance keeps
 * its sockets, says not ready, holds edits back until they are durable (D1: nothing is relayed or
 * acknowledged early), and delivers every one of them once the database is back. Its own PostgreSQL, since
 * stopping the run's shared one would disturb the other test files.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, stopChild, type ChildServer } from '../integration/support.js';
import { connectClient, createDoc, synced, waitFor } from '../support/harness.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

describe('an instance whose PostgreSQL restarts', () => {
  let postgres: TestPostgres;
  let instance: ChildServer;
  let dir: string;
  beforeAll(async () => {
    postgres = await startPostgres();
    dir = await mkdtemp(join(tmpdir(), 'tandem-pg-outage-'));
    instance = await spawnServer(dir, { DATABASE_URL: postgres.url, LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    await stopChild(instance);
    await postgres?.destroy();
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('[CL3][D1] keeps its sockets, reports not ready, holds edits until durable, then delivers them all', async () => {
    const doc = await createDoc(instance.url);
    const a = connectClient(instance.wsUrl, doc.id, doc.editToken);
    const b = connectClient(instance.wsUrl, doc.id, doc.editToken);
    try {
      await Promise.all([synced(a.provider), synced(b.provider)]);
      a.text.insert(0, 'before.');
      await waitFor(() => b.text.toString() === 'before.', 'relayed while the database is up');
      await postgres.stop();
      for (let i = 0; i < 20; i++) a.text.insert(a.text.length, ` ${i}`);
      await waitFor(async () => (await fetch(`${instance.url}/healthz`)).status === 503, 'not ready while the database is away', 15_000);
      expect(await (await fetch(`${instance.url}/healthz`)).json()).toMatchObject({ status: 'not_ready', database: false });
      // [O1][O2] Not ready, but alive: an orchestrator must not restart it for the database's outage.
      expect((await fetch(`${instance.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${instance.url}/livez`)).status).toBe(200);
      // Nothing reaches the other peer before it is durable, and nobody was disconnected.
      expect(b.text.toString()).toBe('before.');
      expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
      await postgres.start();
      await waitFor(() => b.text.toString() === a.text.toString(), 'every held edit is delivered once it is durable', 20_000);
      await waitFor(async () => (await fetch(`${instance.url}/healthz`)).status === 200, 'ready again', 20_000);
      expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    } finally {
      a.destroy();
      b.destroy();
    }
    // And it is all in the database: a restarted instance serves it.
    await stopChild(instance);
    instance = await spawnServer(dir, { DATABASE_URL: postgres.url, LOG_LEVEL: 'warn' });
    const reader = connectClient(instance.wsUrl, doc.id, doc.viewToken);
    try {
      await synced(reader.provider);
      expect(reader.text.toString()).toBe(`before.${Array.from({ length: 20 }, (_, i) => ` ${i}`).join('')}`);
    } finally {
      reader.destroy();
    }
  }, 90_000);
});
