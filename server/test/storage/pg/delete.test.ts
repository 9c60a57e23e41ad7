/** [DEL3] PostgreSQL deletion: no row of the document is left in any table, even with two instances writing. */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnknownDocError } from '../../../src/storage/doc-store.js';
import { PER_DOC_TABLES, pgTables } from '../../../src/storage/pg/schema.js';
import { expectGone, fullDoc } from '../delete-contract.js';
import { historyEntry, makeVersion } from '../history-contract.js';
import { pgHarness, type PgHarness } from './helpers.js';

let harness: PgHarness;

beforeEach(async () => {
  harness = await pgHarness({ groupCommitMs: 2 });
});
afterEach(async () => {
  await harness.cleanup();
});

/** Rows naming `id`, per table: the document's row and every per-document table. */
async function rowsOf(id: string): Promise<Record<string, number>> {
  const tables = pgTables(harness.schema);
  const client = new pg.Client({ connectionString: harness.databaseUrl });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    const docs = await client.query(`SELECT count(*)::int AS n FROM ${tables.docs} WHERE id = $1`, [id]);
    counts['docs'] = docs.rows[0].n as number;
    for (const name of PER_DOC_TABLES) {
      const result = await client.query(`SELECT count(*)::int AS n FROM ${tables[name]} WHERE doc_id = $1`, [id]);
      counts[name] = result.rows[0].n as number;
    }
    return counts;
  } finally {
    await client.end();
  }
}

const none = () => Object.fromEntries(['docs', ...PER_DOC_TABLES].map((t) => [t, 0]));

describe('[DEL3] PostgreSQL deletion', () => {
  it('[DEL3] deletes the rows of every table keyed by the document, and only those', async () => {
    const kept = await fullDoc(harness.store);
    const { id } = await fullDoc(harness.store);
    expect(Object.values(await rowsOf(id)).every((n) => n > 0)).toBe(true);
    await harness.store.delete(id);
    expect(await rowsOf(id)).toEqual(none());
    expect(Object.values(await rowsOf(kept.id)).every((n) => n > 0)).toBe(true);
  });

  it('[DEL3] appends, history entries and versions of another instance racing the delete leave no row behind', async () => {
    const other = await harness.openAnother({ groupCommitMs: 0 });
    for (let round = 0; round < 3; round++) {
      const { id, editing } = await fullDoc(harness.store);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        writes.push(other.append(id, editing.edit(100 + i)));
        writes.push(other.appendHistory(id, historyEntry(i)));
        if (i % 15 === 0) writes.push(other.putVersion(id, makeVersion(`r${i}`, new Date().toISOString())));
        if (i === 30) writes.push(harness.store.delete(id));
        if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.allSettled(writes);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(UnknownDocError);
      expect(await rowsOf(id)).toEqual(none());
      await expectGone(other, id);
    }
  });
});
