/**
 * The PostgreSQL store's history tables beyond the common contract: databases made before them gain them
 * [PG1], history entries are group-committed like appends [PG7], and every instance sees them.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { UnknownDocError, type DocStore } from '../../../src/storage/doc-store.js';
import { MIGRATIONS, NewerSchemaError, SCHEMA_VERSION, pgTables } from '../../../src/storage/pg/schema.js';
import { EditingDoc, makeMeta, newDocId } from '../helpers.js';
import { historyEntry, makeVersion } from '../history-contract.js';
import { PgStore } from '../../../src/storage/pg/store.js';
import { adminQuery, freshSchema, pgHarness, sharedPostgresUrl, type PgHarness } from './helpers.js';

let harnesses: PgHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.map((h) => h.cleanup()));
  harnesses = [];
});

async function harness(...args: Parameters<typeof pgHarness>): Promise<PgHarness> {
  const h = await pgHarness(...args);
  harnesses.push(h);
  return h;
}

async function newDoc(store: DocStore): Promise<string> {
  const id = newDocId();
  await store.create(makeMeta(id));
  return id;
}

/** Runs statements as the superuser on the harness's database. */
async function admin<T extends pg.QueryResultRow>(h: PgHarness, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: h.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('[PG1] schema', () => {
  it('[PG1] a database made before history existed gains doc_history and doc_versions; its documents stay (and every later table)', async () => {
    const h = await harness();
    const id = await newDoc(h.store);
    const update = new EditingDoc().edit(0);
    await h.store.append(id, update);
    await h.store.close();
    const tables = pgTables(h.schema);
    // As a database made before history and before migrations were recorded.
    await admin(h, `DROP TABLE ${tables.history}; DROP TABLE ${tables.versions}; DROP TABLE ${tables.uploads}; DROP TABLE ${tables.userDocs}; DROP TABLE ${tables.migrations}`);

    const store = await h.reopen();
    expect((await store.load(id))!.log).toEqual([update]);
    await store.appendHistory(id, historyEntry(0));
    await store.putVersion(id, makeVersion('v1', new Date().toISOString()));
    expect(await store.readHistory(id)).toEqual([historyEntry(0)]);
    expect((await store.listVersions(id)).map((v) => v.id)).toEqual(['v1']);
    const names = await admin<{ table_name: string }>(
      h,
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [h.schema],
    );
    expect(names.map((r) => r.table_name)).toEqual(['doc_history', 'doc_updates', 'doc_uploads', 'doc_versions', 'docs', 'schema_migrations', 'user_docs']);
  });

  it('[PG8] three instances starting together on a new schema record each migration once; a newer schema is refused', async () => {
    const url = await sharedPostgresUrl();
    const schema = freshSchema();
    const tables = pgTables(schema);
    const stores = [0, 1, 2].map(() => new PgStore({ databaseUrl: url, schema }));
    try {
      await Promise.all(stores.map((store) => store.ready()));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const applied = await client.query<{ version: number }>(`SELECT version FROM ${tables.migrations} ORDER BY version`);
        expect(applied.rows.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
        expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
        await client.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, 'from the future')`, [SCHEMA_VERSION + 1]);
      } finally {
        await client.end();
      }
      const newer = new PgStore({ databaseUrl: url, schema });
      stores.push(newer);
      await expect(newer.ready()).rejects.toBeInstanceOf(NewerSchemaError);
    } finally {
      await Promise.allSettled(stores.map((store) => store.close()));
      await adminQuery(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});

describe('[PG7] history entries are group-committed', () => {
  it('[PG7] entries made in one tick are written by one statement (one transaction id), in call order', async () => {
    const h = await harness();
    const id = await newDoc(h.store);
    const entries = Array.from({ length: 100 }, (_, i) => historyEntry(i));
    await Promise.all(entries.map((e) => h.store.appendHistory(id, e)));
    const rows = await admin<{ transactions: string }>(
      h,
      `SELECT count(DISTINCT xmin::text) AS transactions FROM ${pgTables(h.schema).history} WHERE doc_id = $1`,
      [id],
    );
    expect(rows[0]!.transactions).toBe('1');
    expect(await h.store.readHistory(id)).toEqual(entries);
  });

  it('[PG7] an entry for an unknown document rejects alone; its batch neighbours commit', async () => {
    const h = await harness();
    const id = await newDoc(h.store);
    const results = await Promise.allSettled([
      h.store.appendHistory(id, historyEntry(0)),
      h.store.appendHistory(newDocId(), historyEntry(1)),
      h.store.appendHistory(id, historyEntry(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnknownDocError);
    expect(await h.store.readHistory(id)).toEqual([historyEntry(0), historyEntry(2)]);
  });

  it('[PG7] log appends and history entries interleaved: each table keeps its own call order', async () => {
    const h = await harness({ groupCommitMs: 2 });
    const id = await newDoc(h.store);
    const editing = new EditingDoc();
    const updates: Uint8Array[] = [];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      updates.push(editing.edit(i));
      writes.push(h.store.append(id, updates[i]!), h.store.appendHistory(id, historyEntry(i)));
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(writes);
    expect((await h.store.load(id))!.log).toEqual(updates);
    expect(await h.store.readHistory(id)).toEqual(Array.from({ length: 60 }, (_, i) => historyEntry(i)));
    expect(h.store.queuedBytes).toBe(0);
  });
});

describe('several instances', () => {
  it('history and versions written by one instance are read by another', async () => {
    const h = await harness();
    const other = await h.openAnother();
    const id = await newDoc(h.store);
    await h.store.appendHistory(id, historyEntry(0));
    await other.appendHistory(id, historyEntry(1));
    await h.store.putVersion(id, makeVersion('v1', '2026-01-01T00:00:01.000Z'));
    await other.putVersion(id, makeVersion('v1', '2026-01-01T00:00:02.000Z', { name: 'replaced elsewhere' }));
    expect(await h.store.readHistory(id)).toEqual([historyEntry(0), historyEntry(1)]);
    expect(await h.store.getVersion(id, 'v1')).toMatchObject({ name: 'replaced elsewhere' });
    await h.store.deleteVersions(id, ['v1']);
    expect(await other.listVersions(id)).toEqual([]);
  });
});
