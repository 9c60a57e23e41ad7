/**
 * Compaction for the PostgreSQL store, where several server instances append to one document's log.
 *
 * The caller's `snapshot()` is its own in-memory document: it covers what this instance appended, but not
 * necessarily rows other instances appended that it has not seen yet. So the new snapshot is the union of
 * the stored snapshot, every log row being removed, and the caller's state — whatever the caller knows, the
 * result covers everything the deleted rows held.
 *
 * In one transaction:
 *   1. lock the document's row (FOR NO KEY UPDATE): compactions of one document, from any instance,
 *      run one at a time. The lock does not conflict with appends, which never touch that row.
 *   2. DELETE … RETURNING the document's log rows — one statement, so exactly the rows it removes are the
 *      rows merged. Rows committed after it started (appends racing the compaction) stay in the log.
 *   3. call `snapshot()`, merge all states, store the result; commit. Any failure rolls everything back.
 */
import type pg from 'pg';
import * as Y from 'yjs';
import { UnknownDocError } from '../doc-store.js';
import type { PgTables } from './schema.js';
import { withTransaction } from './transaction.js';

/** One Yjs update holding every change of `states` (a lossless union; held-back structs are kept too). */
export function mergeYjsStates(states: readonly Uint8Array[]): Uint8Array {
  // gc off: deleted content is what history renders past versions from [HI1]; a collecting document would
  // drop it from every snapshot. (States written with history off hold no deleted content to keep.)
  const doc = new Y.Doc({ gc: false, guid: 'compaction' }); // a guid of our own: Yjs's default draws a UUID
  try {
    for (const state of states) Y.applyUpdate(doc, state);
    // encodeStateAsUpdate also carries updates still waiting for missing dependencies, so nothing is lost.
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

export function compactPgDoc(
  pool: pg.Pool,
  tables: PgTables,
  docId: string,
  snapshot: () => Uint8Array,
): Promise<void> {
  return withTransaction(pool, async (client) => {
    const doc = await client.query<{ snapshot: Buffer | null }>(
      `SELECT snapshot FROM ${tables.docs} WHERE id = $1 FOR NO KEY UPDATE`,
      [docId],
    );
    const row = doc.rows[0];
    if (!row) throw new UnknownDocError(docId);
    const cut = await client.query<{ data: Buffer }>(
      `WITH cut AS (DELETE FROM ${tables.updates} WHERE doc_id = $1 RETURNING seq, data)
       SELECT data FROM cut ORDER BY seq`,
      [docId],
    );
    const states: Uint8Array[] = [];
    if (row.snapshot) states.push(row.snapshot);
    for (const { data } of cut.rows) states.push(data);
    states.push(snapshot());
    await client.query(`UPDATE ${tables.docs} SET snapshot = $2 WHERE id = $1`, [docId, mergeYjsStates(states)]);
  });
}
