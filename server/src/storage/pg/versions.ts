/**
 * The statements for stored versions [HI4] (table `doc_versions`, see schema.ts). Each is one statement, so
 * it is atomic and durable once it returns (node-postgres runs it in its own implicit transaction).
 */
import type pg from 'pg';
import { UnknownDocError, type StoredVersion } from '../doc-store.js';
import { plainBytes } from './doc-rows.js';
import type { PgTables } from './schema.js';

interface VersionRow {
  version_id: string;
  created_at: string;
  name: string | null;
  kind: StoredVersion['kind'];
  authors: StoredVersion['authors'];
  /** bigint columns arrive as strings. */
  inserted: string;
  deleted: string;
  changes: string;
  snapshot: Buffer;
}

const COLUMNS = 'version_id, created_at, name, kind, authors, inserted, deleted, changes, snapshot';

function toVersion(row: VersionRow): StoredVersion {
  return {
    id: row.version_id,
    createdAt: row.created_at,
    name: row.name,
    kind: row.kind,
    authors: row.authors,
    inserted: Number(row.inserted),
    deleted: Number(row.deleted),
    changes: Number(row.changes),
    snapshot: plainBytes(row.snapshot),
  };
}

/**
 * Inserts or replaces a version; a replaced one keeps its `put_seq`, i.e. its place among equal timestamps.
 * Rejects with UnknownDocError when the document does not exist.
 */
export async function putPgVersion(pool: pg.Pool, tables: PgTables, docId: string, v: StoredVersion): Promise<void> {
  const result = await pool.query(
    `INSERT INTO ${tables.versions} (doc_id, ${COLUMNS})
     SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10
      WHERE EXISTS (SELECT 1 FROM ${tables.docs} WHERE id = $1)
     ON CONFLICT (doc_id, version_id) DO UPDATE SET
       created_at = EXCLUDED.created_at, name = EXCLUDED.name, kind = EXCLUDED.kind, authors = EXCLUDED.authors,
       inserted = EXCLUDED.inserted, deleted = EXCLUDED.deleted, changes = EXCLUDED.changes,
       snapshot = EXCLUDED.snapshot`,
    [
      docId,
      v.id,
      v.createdAt,
      v.name,
      v.kind,
      JSON.stringify(v.authors.map((a) => ({ name: a.name, color: a.color }))),
      v.inserted,
      v.deleted,
      v.changes,
      Buffer.from(v.snapshot.buffer, v.snapshot.byteOffset, v.snapshot.byteLength),
    ],
  );
  if (result.rowCount === 0) throw new UnknownDocError(docId);
}

/** Every version of the document, oldest first: by `created_at` (byte order, as strings compare), then put order. */
export async function listPgVersions(pool: pg.Pool, tables: PgTables, docId: string): Promise<StoredVersion[]> {
  const result = await pool.query<VersionRow>(
    `SELECT ${COLUMNS} FROM ${tables.versions} WHERE doc_id = $1 ORDER BY created_at COLLATE "C", put_seq`,
    [docId],
  );
  return result.rows.map(toVersion);
}

/** One version, or null. */
export async function getPgVersion(pool: pg.Pool, tables: PgTables, docId: string, versionId: string): Promise<StoredVersion | null> {
  const result = await pool.query<VersionRow>(
    `SELECT ${COLUMNS} FROM ${tables.versions} WHERE doc_id = $1 AND version_id = $2`,
    [docId, versionId],
  );
  const row = result.rows[0];
  return row ? toVersion(row) : null;
}

/** Deletes the versions with these ids; absent ones are ignored. */
export async function deletePgVersions(pool: pg.Pool, tables: PgTables, docId: string, versionIds: readonly string[]): Promise<void> {
  if (versionIds.length === 0) return;
  await pool.query(`DELETE FROM ${tables.versions} WHERE doc_id = $1 AND version_id = ANY($2::text[])`, [docId, versionIds]);
}
