import type { Logger } from '../logger.js';
import type { UserDocIndex } from '../auth/user-docs/index-file.js';
import type { DocStore } from './doc-store.js';
import { FileStore } from './file/store.js';

export interface ConfiguredStore {
  store: DocStore;
  /** 'file' (embedded default, DATA_DIR) or 'postgres' (DATABASE_URL). */
  kind: 'file' | 'postgres';
  /** For readiness: false while the database is unreachable (appends wait and retry meanwhile). */
  healthy(): boolean;
  /** [ID7] Where "My documents" lives with this store: in the database when there is one (shared by instances). */
  userDocs?: UserDocIndex;
}

/** What choosing and opening a store needs (from the configuration). */
export interface StoreOptions {
  /** Where the file store keeps documents (DATA_DIR); unused when `databaseUrl` is set. */
  dataDir: string;
  /** PostgreSQL connection string (DATABASE_URL); when set, documents live there instead of in files. */
  databaseUrl?: string | undefined;
  /** Most PostgreSQL connections (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Longest time a file-store append stays unsynced (FSYNC_INTERVAL_MS); 0 = fsync before acknowledging. */
  fsyncIntervalMs: number;
  logger: Logger;
}

/** The store the configuration asks for: PostgreSQL when `databaseUrl` is set, else files under `dataDir`. */
export async function openConfiguredStore(options: StoreOptions): Promise<ConfiguredStore> {
  const { logger } = options;
  if (options.databaseUrl) {
    // Loaded only when configured: the PostgreSQL driver is ~6 MB of an embedded server's idle memory.
    const { PgStore } = await import('./pg/store.js');
    const store = new PgStore({
      databaseUrl: options.databaseUrl,
      logger: logger.child({ component: 'postgres' }),
      pool: { max: options.poolSize },
    });
    // Start-up fails loudly if the tables cannot be created; later outages are ridden out (PG rules in SPEC).
    await store.ready();
    return { store, kind: 'postgres', healthy: () => store.healthy, userDocs: store.userDocIndex() };
  }
  // Finishes deletes a crash interrupted before anything is served [DEL2].
  const store = await FileStore.open({ dataDir: options.dataDir, fsyncIntervalMs: options.fsyncIntervalMs, logger });
  return { store, kind: 'file', healthy: () => true };
}
