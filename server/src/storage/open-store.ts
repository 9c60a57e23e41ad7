import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { DocStore } from './doc-store.js';
import { createFileStore } from './file/store.js';
import { createPgStore } from './pg/store.js';

export interface ConfiguredStore {
  store: DocStore;
  /** 'file' (embedded default, DATA_DIR) or 'postgres' (DATABASE_URL). */
  kind: 'file' | 'postgres';
  /** For readiness: false while the database is unreachable (appends wait and retry meanwhile). */
  healthy(): boolean;
}

/** The store the configuration asks for: PostgreSQL when DATABASE_URL is set, else files under DATA_DIR. */
export async function openConfiguredStore(config: Config, logger: Logger): Promise<ConfiguredStore> {
  if (config.DATABASE_URL) {
    const store = createPgStore({
      databaseUrl: config.DATABASE_URL,
      logger: logger.child({ component: 'postgres' }),
      pool: { max: config.DATABASE_POOL_SIZE },
    });
    // Start-up fails loudly if the tables cannot be created; later outages are ridden out (PG rules in SPEC).
    await store.ready();
    return { store, kind: 'postgres', healthy: () => store.healthy };
  }
  const store = await createFileStore({ dataDir: config.DATA_DIR, fsyncIntervalMs: config.FSYNC_INTERVAL_MS, logger });
  return { store, kind: 'file', healthy: () => true };
}
