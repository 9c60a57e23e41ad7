/**
 * The statements for uploads [UP4] (table `doc_uploads`, see schema.ts). Each is one statement, so it is
 * atomic and durable once it returns. `(doc_id, hash)` is the primary key: a second put of the same bytes
 * inserts nothing (`ON CONFLICT DO NOTHING`), also when two instances race.
 */
import type pg from 'pg';
import { UnknownDocError, type StoredUpload } from '../doc-store.js';
import { plainBytes } from './doc-rows.js';
import type { PgTables } from './schema.js';

/** Inserts the upload unless the document holds that hash; true when inserted. Rejects with UnknownDocError. */
export async function putPgUpload(pool: pg.Pool, tables: PgTables, docId: string, upload: StoredUpload): Promise<boolean> {
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
