/**
 * The statements for uploads [UP4] (table `doc_uploads`, see schema.ts). Each is one statement, so it is
 * atomic and durable once it returns. `(doc_id, hash)` is the primary key: a second put of the same bytes
 * inserts nothing (`ON CONFLICT DO NOTHING`), also when two instances race.
 *
 * [UP9] A put under a quota is one transaction holding a transaction-scoped advisory lock on the document's
 * uploads: it counts what the document holds and inserts only if one more fits, and a racing put (of this
 * instance or another) waits for the lock, so the document never passes its quota.
 */
import type pg from 'pg';
import { assertUploadFits, UnknownDocError, type StoredUpload, type UploadQuota } from '../doc-store.js';
import { plainBytes } from './doc-rows.js';
import type { PgTables } from './schema.js';
import { withTransaction } from './transaction.js';

/** [UP9] `putPgUpload` under `quota`: check and insert in one transaction, serialized per document. */
export async function putPgUploadWithin(
  pool: pg.Pool,
  tables: PgTables,
  docId: string,
  upload: StoredUpload,
  quota: UploadQuota,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    // Keyed by table and document, so schemas sharing a server do not wait for each other.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${tables.uploads}:${docId}`]);
    const usage = await client.query<{ doc: boolean; held: boolean; files: string; bytes: string }>(
      `SELECT EXISTS (SELECT 1 FROM ${tables.docs} WHERE id = $1) AS doc,
              EXISTS (SELECT 1 FROM ${tables.uploads} WHERE doc_id = $1 AND hash = $2) AS held,
              count(*) AS files, coalesce(sum(octet_length(bytes)), 0) AS bytes
         FROM ${tables.uploads} WHERE doc_id = $1`,
      [docId, upload.hash],
    );
    const row = usage.rows[0];
    if (!row?.doc) throw new UnknownDocError(docId);
    // A hash the document holds is free, whatever the usage.
    if (row.held) return false;
    assertUploadFits(docId, { files: Number(row.files), bytes: Number(row.bytes) }, upload.bytes.byteLength, quota);
    return putPgUpload(client, tables, docId, upload);
  });
}

/** Inserts the upload unless the document holds that hash; true when inserted. Rejects with UnknownDocError. */
export async function putPgUpload(pool: pg.Pool | pg.PoolClient, tables: PgTables, docId: string, upload: StoredUpload): Promise<boolean> {
  const result = await pool.query<{ doc: boolean }>(
    `WITH doc AS (SELECT EXISTS (SELECT 1 FROM ${tables.docs} WHERE id = $1) AS doc),
          ins AS (
            INSERT INTO ${tables.uploads} (doc_id, hash, type, bytes)
            SELECT $1, $2, $3, $4 FROM doc WHERE doc.doc
            ON CONFLICT (doc_id, hash) DO NOTHING
            RETURNING 1
          )
     SELECT doc.doc, (SELECT count(*) FROM ins) AS inserted FROM doc`,
    [docId, upload.hash, upload.type, Buffer.from(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.byteLength)],
  );
  const row = result.rows[0] as { doc: boolean; inserted: string } | undefined;
  if (!row?.doc) throw new UnknownDocError(docId);
  return Number(row.inserted) > 0;
}

/** One upload, or null. */
export async function getPgUpload(pool: pg.Pool, tables: PgTables, docId: string, hash: string): Promise<StoredUpload | null> {
  const result = await pool.query<{ type: string; bytes: Buffer }>(
    `SELECT type, bytes FROM ${tables.uploads} WHERE doc_id = $1 AND hash = $2`,
    [docId, hash],
  );
  const row = result.rows[0];
  return row ? { hash, type: row.type, bytes: plainBytes(row.bytes) } : null;
}
