/**
 * The PostgreSQL store's tables, created idempotently whenever a store opens.
 *
 *   <schema>.docs         one row per document: `id`, `meta` (the DocMeta as jsonb; its presence is what
 *                         makes a document exist), `snapshot` (a Yjs update, null until the first compaction).
 *   <schema>.doc_updates  the log: `(doc_id, seq) → data`. `seq` is one bigserial shared by all documents; it
 *                         orders one document's rows in the order their batches were written.
 *   <schema>.doc_history  history entries [HI2], same shape and ordering as doc_updates; never compacted.
 *   <schema>.doc_versions stored versions [HI4]: `(doc_id, version_id)` → metadata columns and `snapshot`.
 *                         `created_at` is text, kept exactly as given (ISO-8601); `put_seq` (a bigserial set on
 *                         first insert, kept when a version is replaced) breaks ties in put order.
 *
 * There is deliberately no foreign key from the per-document tables to docs: every inserted row would take a
 * KEY SHARE lock on its document's row, a hot spot for busy documents. Documents are never deleted, so the
 * statements' own EXISTS checks are enough (doc-rows.ts, versions.ts). A future "delete document" must delete
 * from all four tables.
 *
 * Several instances may open stores on one database at the same moment. `CREATE … IF NOT EXISTS` is not
 * safe against itself running concurrently (both may pass the check and one fails on a catalog unique
 * key), so creation runs in one transaction holding a transaction-level advisory lock for this schema.
 */
import type pg from 'pg';
import { withTransaction } from './transaction.js';

/** Lower-case SQL identifiers only: they are spliced into statements (quoted), never taken from users. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The qualified, quoted names of the store's tables. */
export interface PgTables {
  schema: string;
  docs: string;
  updates: string;
  history: string;
  versions: string;
}

/** Checks `schema` and returns the table names to splice into statements. Throws on a bad name. */
export function pgTables(schema: string): PgTables {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use ${SCHEMA_NAME.source}`);
  }
  return {
    schema,
    docs: `"${schema}".docs`,
    updates: `"${schema}".doc_updates`,
    history: `"${schema}".doc_history`,
    versions: `"${schema}".doc_versions`,
  };
}

/**
 * Creates the schema and tables if missing. The schema is only created when absent, so an operator may
 * pre-create it and grant the server no right to create schemas. A database made by an older version gains
 * the tables it lacks (doc_history, doc_versions) the same way.
 */
export function ensurePgSchema(pool: pg.Pool, tables: PgTables): Promise<void> {
  return withTransaction(pool, async (client) => {
    // Two-key form: its own lock space, apart from any single-key advisory locks others use.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tandem.schema'), hashtext($1))`, [tables.schema]);
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tables.schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA "${tables.schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.docs} (
         id text PRIMARY KEY,
         meta jsonb NOT NULL,
         snapshot bytea
       )`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.updates} (
         doc_id text NOT NULL,
         seq bigserial NOT NULL,
         data bytea NOT NULL,
         PRIMARY KEY (doc_id, seq)
       )`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.history} (
         doc_id text NOT NULL,
         seq bigserial NOT NULL,
         data bytea NOT NULL,
         PRIMARY KEY (doc_id, seq)
       )`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.versions} (
         doc_id text NOT NULL,
         version_id text NOT NULL,
         put_seq bigserial NOT NULL,
         created_at text NOT NULL,
         name text,
         kind text NOT NULL,
         authors jsonb NOT NULL,
         inserted bigint NOT NULL,
         deleted bigint NOT NULL,
         changes bigint NOT NULL,
         snapshot bytea NOT NULL,
         PRIMARY KEY (doc_id, version_id)
       )`,
    );
  });
}
