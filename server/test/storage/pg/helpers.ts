/** PostgreSQL stores for tests: the run's shared server, a fresh schema per harness. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { PgStore, type PgDocStore, type PgStoreOptions } from '../../../src/storage/pg/store.js';
import type { StoreHarness } from '../contract.js';

const STARTUP_TIMEOUT_MS = 60_000;

let sharedUrl: Promise<string> | null = null;

/** URL of the server started by test/support/postgres-global.ts, once it accepts connections. */
export function sharedPostgresUrl(): Promise<string> {
  sharedUrl ??= (async () => {
    const statusFile = inject('postgresStatusFile');
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const text = await readFile(statusFile, 'utf8').catch(() => null);
      if (text) {
        const status = JSON.parse(text) as { url?: string; error?: string };
        if (status.url) return status.url;
        throw new Error(`the test PostgreSQL server did not start: ${status.error}`);
      }
      if (Date.now() > deadline) throw new Error(`the test PostgreSQL server was not up after ${STARTUP_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return sharedUrl;
}

/** A schema name no other test uses. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement as the superuser of the server at `url`. */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export type PgTestOptions = Omit<PgStoreOptions, 'databaseUrl' | 'schema'>;

export interface PgHarness extends StoreHarness {
  store: PgDocStore;
  databaseUrl: string;
  schema: string;
  /** Another store (another "instance") over the same tables; closed by cleanup(). */
  openAnother(options?: PgTestOptions): Promise<PgDocStore>;
}

/**
 * A PostgreSQL store in a fresh schema of `databaseUrl` (default: the shared server); reopen = close and
 * open a new store over the same schema; cleanup closes every store and drops the schema.
 */
export async function pgHarness(options: PgTestOptions = {}, databaseUrl?: string): Promise<PgHarness> {
  const url = databaseUrl ?? (await sharedPostgresUrl());
  const schema = freshSchema();
  const others: PgDocStore[] = [];
  const open = async (storeOptions: PgTestOptions): Promise<PgDocStore> => {
    const store = new PgStore({ databaseUrl: url, schema, ...storeOptions });
    await store.ready();
    return store;
  };
  let current = await open(options);
  return {
    databaseUrl: url,
    schema,
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = await open(options);
      return current;
    },
    async openAnother(storeOptions = options) {
      const store = await open(storeOptions);
      others.push(store);
      return store;
    },
    async cleanup() {
      await Promise.allSettled([current, ...others].map((store) => store.close()));
      await adminQuery(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
