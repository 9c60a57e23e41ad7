/**
 * The statements that write a batch of log or history rows and read a document or its history back (the
 * tables are in schema.ts).
 */
import type pg from 'pg';
import { UnknownDocError, type StoredDoc } from '../doc-store.js';
import type { QueuedAppend } from './append-queue.js';
import type { PgTables } from './schema.js';

/**
 * Inserts one batch of appends into the log (`updates`) or the history (`history`) in one statement; one
 * entry per row: null when written, else why not.
 */
export async function insertRows(
  pool: pg.Pool,
  tables: PgTables,
  into: 'updates' | 'history',
  rows: readonly QueuedAppend[],
): Promise<readonly (Error | null)[]> {
  // The EXISTS filter turns appends to unknown documents into missing rows instead of failing the whole
  // batch; ORDER BY ord makes the serial follow call order within the batch.
  const result = await pool.query<{ doc_id: string }>(
    `INSERT INTO ${tables[into]} (doc_id, data)
     SELECT u.doc_id, u.data
       FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS u(doc_id, data, ord)
      WHERE EXISTS (SELECT 1 FROM ${tables.docs} d WHERE d.id = u.doc_id)
      ORDER BY u.ord
     RETURNING doc_id`,
    [rows.map((row) => row.docId), rows.map((row) => row.data)],
  );
  const written = new Set(result.rows.map((row) => row.doc_id));
  return rows.map((row) => (written.has(row.docId) ? null : new UnknownDocError(row.docId)));
}

/**
 * The document's snapshot and log, read in one statement, i.e. from one MVCC snapshot (see store.ts);
 * null when the document does not exist.
 */
export async function loadPgDoc(pool: pg.Pool, tables: PgTables, id: string): Promise<StoredDoc | null> {
  const result = await pool.query<{ part: number; data: Buffer | null }>(
    `SELECT 0 AS part, NULL::bigint AS seq, snapshot AS data FROM ${tables.docs} WHERE id = $1
     UNION ALL
     SELECT 1, seq, data FROM ${tables.updates} WHERE doc_id = $1
     ORDER BY part, seq`,
    [id],
  );
  const [head, ...rows] = result.rows;
  if (!head || head.part !== 0) return null;
  const log = rows.map((row) => plainBytes(row.data!));
  return {
    snapshot: head.data && plainBytes(head.data),
    log,
    logBytes: log.reduce((sum, data) => sum + data.byteLength, 0),
  };
}

/** The document's history entries, oldest first; [] when there are none or the document does not exist. */
export async function readPgHistory(pool: pg.Pool, tables: PgTables, id: string): Promise<Uint8Array[]> {
  const result = await pool.query<{ data: Buffer }>(`SELECT data FROM ${tables.history} WHERE doc_id = $1 ORDER BY seq`, [id]);
  return result.rows.map((row) => plainBytes(row.data));
}

/** node-postgres hands out Buffers; the store's callers get plain Uint8Arrays (a view, no copy). */
export function plainBytes(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
