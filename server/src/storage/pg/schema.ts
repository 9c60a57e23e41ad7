/**
 * The PostgreSQL store's tables, brought up to date by versioned migrations whenever a store opens.
 *
 *   <schema>.docs         one row per document: `id`, `meta` (the DocMeta as jsonb; its presence is what
 *                         makes a document exist), `snapshot` (a Yjs update, null until the first compaction).
 *   <schema>.doc_updates  the log: `(doc_id, seq) → data`. `seq` is one bigserial shared by all documents; it
 *                         orders one document's rows in the order their batches were written.
 *   <schema>.doc_history  history entries [HI2], same shape and ordering as doc_updates; never compacted.
 *   <schema>.schema_migrations  which migrations ran (version, name, when) [PG8].
 *   <schema>.doc_versions stored versions [HI4]: `(doc_id, version_id)` → metadata columns and `snapshot`.
 *                         `created_at` is text, kept exactly as given (ISO-8601); `put_seq` (a bigserial set on
 *                         first insert, kept when a version is replaced) breaks ties in put order.
 *   <schema>.doc_uploads  uploaded images [UP4]: `(doc_id, hash)` → `type`, `bytes`, `created_at`.
 *
 * There is deliberately no foreign key from the per-document tables to docs: every inserted row would take a
 * KEY SHARE lock on its document's row, a hot spot for busy documents. The statements' own EXISTS checks are
 * enough (doc-rows.ts, versions.ts); deleting a document (deletion.ts) deletes from every table in
 * `PER_DOC_TABLES` — a new table keyed by `doc_id` goes there too.
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
  uploads: string;
  userDocs: string;
  migrations: string;
}

/** Every table whose rows belong to one document (`doc_id`): a document's delete empties them [DEL3]. */
export const PER_DOC_TABLES = ['updates', 'history', 'versions', 'uploads'] as const satisfies readonly (keyof PgTables)[];

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
    uploads: `"${schema}".doc_uploads`,
    userDocs: `"${schema}".user_docs`,
    migrations: `"${schema}".schema_migrations`,
  };
}

/** One step of the schema, applied once, in order, recorded in `<schema>.schema_migrations`. */
interface Migration {
  version: number;
  name: string;
  statements(tables: PgTables): string[];
}

/**
 * [PG8] The schema's history. Append only: never edit a migration that has shipped. Versions 1 and 2 use
 * `IF NOT EXISTS` because databases made before migrations were recorded already hold those tables: they
 * are adopted as they are.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and their update log',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.docs} (
         id text PRIMARY KEY,
         meta jsonb NOT NULL,
         snapshot bytea
       )`,
      `CREATE TABLE IF NOT EXISTS ${t.updates} (
         doc_id text NOT NULL,
         seq bigserial NOT NULL,
         data bytea NOT NULL,
         PRIMARY KEY (doc_id, seq)
       )`,
    ],
  },
  {
    version: 2,
    name: 'history entries and versions',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.history} (
         doc_id text NOT NULL,
         seq bigserial NOT NULL,
         data bytea NOT NULL,
         PRIMARY KEY (doc_id, seq)
       )`,
      `CREATE TABLE IF NOT EXISTS ${t.versions} (
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
    ],
  },
  {
    version: 3,
    name: 'uploads',
    statements: (t) => [
      `CREATE TABLE ${t.uploads} (
         doc_id text NOT NULL,
         hash text NOT NULL,
         type text NOT NULL,
         bytes bytea NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (doc_id, hash)
       )`,
    ],
  },
  {
    version: 4,
    // [ID7] "My documents" shared by every instance: a person's list by the hash of their subject.
    name: 'user documents',
    statements: (t) => [
      `CREATE TABLE ${t.userDocs} (
         user_key text NOT NULL,
         doc_id text NOT NULL,
         role text NOT NULL,
         scope text NOT NULL,
         generation integer NOT NULL,
         title text NOT NULL,
         opened_at text NOT NULL,
         PRIMARY KEY (user_key, doc_id)
       )`,
      `CREATE INDEX ON ${t.userDocs} (doc_id)`,
    ],
  },
];

/** The newest schema this build knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The database was migrated by a newer Tandem: this one must not write to it. */
export class NewerSchemaError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`the database schema is at version ${found}, newer than this Tandem knows (${known}): upgrade Tandem`);
    this.name = 'NewerSchemaError';
  }
}

/**
 * [PG8] Brings the schema to `SCHEMA_VERSION`: creates the schema if missing (only then, so an operator may
 * pre-create it and grant the server no right to create schemas), then applies each migration the database
 * lacks, in order, recording it — all in one transaction under an advisory lock for this schema, so
 * instances starting together apply each step once. Refuses a database a newer Tandem migrated.
 *
 * Why not a migration library (node-pg-migrate and the like): they run from files and their own CLI, with
 * their own connection; here migrations must run inside the store's start-up, in its transaction, under its
 * lock, with the configured schema name — a dozen lines with nothing left to configure.
 */
export function ensurePgSchema(pool: pg.Pool, tables: PgTables): Promise<void> {
  return withTransaction(pool, async (client) => {
    // Two-key form: its own lock space, apart from any single-key advisory locks others use.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tandem.schema'), hashtext($1))`, [tables.schema]);
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tables.schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA "${tables.schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.migrations} (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const current = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${tables.migrations}`);
    const at = current.rows[0]?.version ?? 0;
    if (at > SCHEMA_VERSION) throw new NewerSchemaError(at, SCHEMA_VERSION);
    for (const migration of MIGRATIONS) {
      if (migration.version <= at) continue;
      for (const statement of migration.statements(tables)) await client.query(statement);
      await client.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
  });
}
