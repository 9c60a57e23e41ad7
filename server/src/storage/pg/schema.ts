/**
 * The PostgreSQL store's tables, created idempotently whenever a store opens.
 *
 *   <schema>.docs         one row per document: `id`, `meta` (the DocMeta as jsonb; its presence is what
 *                         makes a document exist), `snapshot` (a Yjs update, null until the first compaction).
 *   <schema>.doc_updates  the log: `(doc_id, seq) → data`. `seq` is one bigserial shared by all documents; it
 *                         orders one document's rows in the order their batches were written.
 *
 * There is deliberately no foreign key from doc_updates to docs: every inserted row would take a KEY SHARE
 * lock on its document's row, a hot spot for busy documents. Documents are never deleted, so the append
 * statement's own EXISTS check is enough (doc-rows.ts). A future "delete document" must delete both.
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
}

/** Checks `schema` and returns the table names to splice into statements. Throws on a bad name. */
export function pgTables(schema: string): PgTables {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use ${SCHEMA_NAME.source}`);
  }
  return { schema, docs: `"${schema}".docs`, updates: `"${schema}".doc_updates` };
}

/**
 * Creates the schema and tables if missing. The schema is only created when absent, so an operator may
 * pre-create it and grant the server no right to create schemas.
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
  });
}
