/**
 * [DEL4] Deleting on one instance closes the document's sockets on every instance (4404), and every instance
 * answers 404 afterwards; no row of it is left in PostgreSQL [DEL3]. Real child processes, PostgreSQL, Redis.
 */
import pg from 'pg';
import { CloseCode } from '@tandem/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closed, connectClient, createDoc, rawSocket, synced, upgradeStatus, waitFor } from '../support/harness.js';
import { startCluster, type TestCluster } from './support.js';

/** Rows naming `id` in every table of the store's schema. */
async function rowsNaming(databaseUrl: string, id: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'tandem' AND column_name IN ('doc_id', 'id')`,
    );
    let rows = 0;
    for (const { table_name: table } of tables.rows) {
      const column = table === 'docs' ? 'id' : 'doc_id';
      const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM tandem."${table}" WHERE ${column} = $1`, [id]);
      rows += result.rows[0]!.n;
    }
    return rows;
  } finally {
    await client.end();
  }
}

describe('[DEL4] deleting a document held by two instances', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(2);
  }, 60_000);
  afterAll(async () => {
    await cluster?.cleanup();
  }, 30_000);

  it('[DEL4] sockets on the other instance are closed with 4404; both instances answer 404; no row is left', async () => {
    const [first, second] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
    const doc = await createDoc(first.url);
    const here = connectClient(first.wsUrl, doc.id, doc.editToken);
    const there = connectClient(second.wsUrl, doc.id, doc.editToken);
    const thereCloses: number[] = [];
    there.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) thereCloses.push(event.code);
    });
    await Promise.all([synced(here.provider), synced(there.provider)]);
    here.text.insert(0, 'typed on the first ');
    there.text.insert(0, 'and on the second ');
    await waitFor(() => here.text.toString() === there.text.toString() && here.text.length > 30, 'both instances relay');
    const viewer = await rawSocket(`${second.wsUrl}/${doc.id}?token=${doc.viewToken}`);
    const viewerClosed = closed(viewer, 15_000);
    expect(await rowsNaming(cluster.databaseUrl, doc.id)).toBeGreaterThan(0);

    const res = await fetch(`${first.url}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.editToken}` } });
    expect(res.status).toBe(204);

    expect((await viewerClosed).code).toBe(CloseCode.DocumentDeleted);
    await waitFor(() => thereCloses.includes(CloseCode.DocumentDeleted), 'the stock client on the second instance sees 4404', 15_000);
    here.destroy();
    there.destroy();
    for (const instance of [first, second]) {
      const info = await fetch(`${instance.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
      expect(info.status).toBe(404);
      expect(await upgradeStatus(`${instance.wsUrl}/${doc.id}?token=${doc.editToken}`)).toBe(404);
    }
    // The second instance's room unloads without a final write: nothing comes back in the database.
    await waitFor(async () => (await rowsNaming(cluster.databaseUrl, doc.id)) === 0, 'no row of the document', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await rowsNaming(cluster.databaseUrl, doc.id)).toBe(0);
  }, 60_000);
});
