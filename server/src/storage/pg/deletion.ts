/**
 * Deleting a document from PostgreSQL [DEL3]: every row keyed by its id, in one transaction.
 *
 * Appends and version puts are single statements that insert only `WHERE EXISTS` the document's row
 * (doc-rows.ts, versions.ts) and take no lock on it (see schema.ts for why). Such a statement that started
 * before the delete committed could still see the row and commit its insert afterwards, leaving a row of a
 * deleted document behind. So the delete locks the per-document tables against writes
 * (SHARE ROW EXCLUSIVE: it waits for inserts in flight and holds back new ones until it commits; a held-back
 * statement then reads the committed state and finds no document). The pause covers every document's
 * appends, but only for the few milliseconds of the delete itself, and deletes are rare.
 */
import type pg from 'pg';
import { UnknownDocError } from '../doc-store.js';
import { PER_DOC_TABLES, type PgTables } from './schema.js';
import { withTransaction } from './transaction.js';

/** Deletes the document's rows everywhere; rejects with UnknownDocError when it does not exist. */
export function deletePgDoc(pool: pg.Pool, tables: PgTables, docId: string): Promise<void> {
  return withTransaction(pool, async (client) => {
    // The document's row first (FOR UPDATE waits for a compaction of it), then the tables, the order every
    // compaction takes them in too: no deadlock.
    const doc = await client.query(`SELECT 1 FROM ${tables.docs} WHERE id = $1 FOR UPDATE`, [docId]);
    if (doc.rowCount === 0) throw new UnknownDocError(docId);
    const perDoc = PER_DOC_TABLES.map((name) => tables[name]);
    await client.query(`LOCK TABLE ${perDoc.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    for (const table of perDoc) await client.query(`DELETE FROM ${table} WHERE doc_id = $1`, [docId]);
    await client.query(`DELETE FROM ${tables.docs} WHERE id = $1`, [docId]);
  });
}
