/**
 * The PostgreSQL store beyond the common contract: several instances over one database [PG5], group
 * commit and its bounds [PG2][PG3], schema creation [PG1], error classification.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UnknownDocError, type DocStore } from '../../../src/storage/doc-store.js';
import { AppendQueueFullError } from '../../../src/storage/pg/append-queue.js';
import { isTransientPgError } from '../../../src/storage/pg/errors.js';
import { pgTables } from '../../../src/storage/pg/schema.js';
import { PgStore } from '../../../src/storage/pg/store.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild } from '../helpers.js';
import { freshSchema, pgHarness, sharedPostgresUrl, type PgHarness } from './helpers.js';

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

/** What a document holding every edit of `editors` shows. */
function union(...editors: EditingDoc[]): unknown {
  const doc = new Y.Doc();
  for (const editor of editors) Y.applyUpdate(doc, editor.snapshot());
  return content(doc);
}

/** Makes `count` edits on `editor` and appends them all through `store` at once. */
function appendEdits(store: DocStore, id: string, editor: EditingDoc, from: number, count: number): Promise<void[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => store.append(id, editor.edit(from + i))));
}

const settledYet = async (promise: Promise<unknown>, waitMs: number): Promise<boolean> => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, waitMs));
  return settled;
};

describe('[PG5] several instances append to and compact one document', () => {
  it('[PG5] a compaction whose snapshot knows only its own instance keeps what another appended', async () => {
    const h = await harness();
    const a = h.store;
    const b = await h.openAnother();
    const id = await newDoc(a);
    // Two instances, each with its own clients: neither in-memory document sees the other's edits.
    const onA = new EditingDoc();
    const onB = new EditingDoc();
    await Promise.all([appendEdits(a, id, onA, 0, 30), appendEdits(b, id, onB, 0, 30)]);

    await a.compact(id, () => onA.snapshot());
    let stored = (await b.load(id))!;
    expect(stored.log).toEqual([]);
    expect(content(rebuild(stored))).toEqual(union(onA, onB));

    // And the other way round, with rows of both kinds in the log again.
    await Promise.all([appendEdits(a, id, onA, 30, 10), appendEdits(b, id, onB, 30, 10)]);
    await b.compact(id, () => onB.snapshot());
    await h.reopen();
    stored = (await h.store.load(id))!;
    expect(stored.log).toEqual([]);
    expect(content(rebuild(stored))).toEqual(union(onA, onB));
  });

  it('[PG5] concurrent compactions of one document from two instances, with appends racing them, lose nothing', async () => {
    const h = await harness();
    const a = h.store;
    const b = await h.openAnother();
    const id = await newDoc(a);
    const onA = new EditingDoc();
    const onB = new EditingDoc();
    let next = 0;
    for (let round = 0; round < 5; round++) {
      const from = next;
      next += 20;
      await Promise.all([
        appendEdits(a, id, onA, from, 10),
        appendEdits(b, id, onB, from, 10),
        a.compact(id, () => onA.snapshot()),
        b.compact(id, () => onB.snapshot()),
        appendEdits(a, id, onA, from + 10, 10),
        appendEdits(b, id, onB, from + 10, 10),
      ]);
    }
    expect(content(rebuild((await a.load(id))!))).toEqual(union(onA, onB));
    expect(content(rebuild((await b.load(id))!))).toEqual(union(onA, onB));
  });

  it('[PG5] a compaction waits while another transaction holds the document row, then completes', async () => {
    const h = await harness();
    const id = await newDoc(h.store);
    const editor = new EditingDoc();
    await appendEdits(h.store, id, editor, 0, 5);
    const other = new pg.Client({ connectionString: h.databaseUrl });
    await other.connect();
    try {
      // What a compaction on another instance holds while it runs.
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM ${pgTables(h.schema).docs} WHERE id = $1 FOR NO KEY UPDATE`, [id]);
      const compaction = h.store.compact(id, () => editor.snapshot());
      // Appends and loads do not wait for that lock; only the compaction does.
      await appendEdits(h.store, id, editor, 5, 5);
      expect((await h.store.load(id))!.log).toHaveLength(10);
      expect(await settledYet(compaction, 150)).toBe(false);
      await other.query('COMMIT');
      await compaction;
    } finally {
      await other.end();
    }
    const stored = (await h.store.load(id))!;
    expect(stored.log).toEqual([]);
    expect(content(rebuild(stored))).toEqual(content(editor.doc));
  });
});

describe('[PG2] group commit', () => {
  it('[PG2] an append to an unknown document rejects alone; its batch neighbours commit', async () => {
    const h = await harness();
    const id = await newDoc(h.store);
    const editor = new EditingDoc();
    const results = await Promise.allSettled([
      h.store.append(id, editor.edit(0)),
      h.store.append(newDocId(), new EditingDoc().edit(0)),
      h.store.append(id, editor.edit(1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnknownDocError);
    expect(content(rebuild((await h.store.load(id))!))).toEqual(content(editor.doc));
  });

  it('[PG3] appends beyond maxQueuedBytes are refused at once; those within the bound commit', async () => {
    const h = await harness({ maxQueuedBytes: 1000 });
    const id = await newDoc(h.store);
    const results = await Promise.allSettled([
      h.store.append(id, new Uint8Array(600).fill(1)),
      h.store.append(id, new Uint8Array(600).fill(2)),
      h.store.append(id, new Uint8Array(400).fill(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(AppendQueueFullError);
    expect(h.store.queuedBytes).toBe(0);
    expect((await h.store.load(id))!.logBytes).toBe(1000);
  });

  it('[PG3] a database error that is not about connectivity rejects the batch at once', async () => {
    const h = await harness();
    const id = await newDoc(h.store);
    const admin = new pg.Client({ connectionString: h.databaseUrl });
    await admin.connect();
    await admin.query(`DROP TABLE ${pgTables(h.schema).updates}`).finally(() => admin.end());
    await expect(h.store.append(id, new EditingDoc().edit(0))).rejects.toMatchObject({ code: '42P01' });
    expect(h.store.healthy).toBe(true);
  });
});

describe('[PG1] schema', () => {
  it('[PG1] stores opening at the same moment on a new schema all succeed, and reuse existing tables', async () => {
    const databaseUrl = await sharedPostgresUrl();
    const schema = freshSchema();
    const stores = Array.from({ length: 4 }, () => new PgStore({ databaseUrl, schema, pool: { max: 2 } }));
    try {
      await Promise.all(stores.map((store) => store.ready()));
      expect(stores.every((store) => store.healthy)).toBe(true);
      const id = await newDoc(stores[0]!);
      await stores[1]!.append(id, new EditingDoc().edit(0));
      expect((await stores[3]!.load(id))!.log).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`).finally(() => admin.end());
    }
  });

  it('[PG1] a schema name that is not a plain identifier is refused before any connection', () => {
    for (const schema of ['Tandem', 'a-b', 'x"; DROP TABLE docs; --', '', '1abc', 'a'.repeat(64)]) {
      expect(() => new PgStore({ databaseUrl: 'postgresql://127.0.0.1:1/none', schema })).toThrow(/schema name/);
    }
  });
});

describe('error classification', () => {
  const withCode = (message: string, code?: string): Error => Object.assign(new Error(message), { code });

  it('connectivity errors are transient', () => {
    for (const err of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''),
    ]) {
      expect(isTransientPgError(err), err.message).toBe(true);
    }
  });

  it('statement errors are not, whatever their text says', () => {
    for (const err of [
      withCode('relation "docs" does not exist', '42P01'),
      withCode('could not extend file: No space left on device', '53100'),
      withCode('value too long; connection terminated', '22001'),
      new Error('invalid input syntax'),
      'ECONNREFUSED',
      null,
    ]) {
      expect(isTransientPgError(err)).toBe(false);
    }
  });
});
