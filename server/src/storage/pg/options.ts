/** What a PostgreSQL store is opened with, and what it offers beyond `DocStore` (the store is in store.ts). */
import type { DocStore, StoreLogger } from '../doc-store.js';
import type { RetryPolicy } from './errors.js';

export interface PgStoreOptions {
  /** A libpq-style connection string, e.g. postgresql://user:secret@db:5432/tandem. */
  databaseUrl: string;
  /** pino-compatible; silent when omitted. */
  logger?: StoreLogger;
  pool?: {
    /** Connections at most (default 10). */
    max?: number;
    /** How long to wait for a new connection before counting the database as unreachable (default 5000). */
    connectionTimeoutMs?: number;
  };
  /** Extra time an append waits for others to share its commit; 0 (default) = the next event-loop turn. */
  groupCommitMs?: number;
  /** Schema holding the tables (default "tandem"); created if missing. Lower-case letters, digits, `_`. */
  schema?: string;
  /**
   * Bytes of appends that may wait for the database at once (default 64 MiB); beyond, appends reject. History
   * entries have a queue (and a bound of this size) of their own.
   */
  maxQueuedBytes?: number;
  /** Backoff between retries while the database is away (default 100 ms doubling to 5 s). */
  retry?: Partial<RetryPolicy>;
  /** How long close() keeps retrying queued appends against an absent database before rejecting them (default 10 s). */
  closeTimeoutMs?: number;
}

export interface PgDocStore extends DocStore {
  /** Resolves once the tables exist; rejects with the reason they could not be created. Call at startup. */
  ready(): Promise<void>;
  /**
   * For readiness probes, without a query: false until the tables exist, while the database is unreachable
   * (appends are being retried) and after close().
   */
  readonly healthy: boolean;
  /** Asks the database now (`SELECT 1`, at most 2 s), updates `healthy` and returns it. */
  health(): Promise<boolean>;
  /** Bytes of appends and history entries accepted but not yet committed. */
  readonly queuedBytes: number;
}
