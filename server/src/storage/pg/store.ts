/**
 * The PostgreSQL `DocStore`: several server instances may share one database (rules PG1–PG6 in SPEC.md).
 *
 * Tables (schema.ts): `docs(id, meta, snapshot)`, the log `doc_updates(doc_id, seq, data)`, the history
 * `doc_history(doc_id, seq, data)` and `doc_versions`, created idempotently when the store opens (and again by
 * the first operation if that failed).
 *
 * Appends (append-queue.ts) are group-committed across documents: one multi-row INSERT per batch, and an
 * append resolves only once its batch committed — stronger than the file store's "written to the OS".
 * While the database is away, batches are retried with backoff instead of failing, up to a bound on queued
 * bytes; `healthy` is false meanwhile, so a readiness probe can take the instance out of rotation while its
 * sockets stay open. History entries [HI2] go through a second queue of the same kind into doc_history, so
 * they keep the same guarantees without delaying the log's batches [PG7]. Versions [HI4] are one statement
 * each (versions.ts).
 *
 * Compaction (compaction.ts) merges the stored snapshot, the log rows it removes and the caller's state
 * under a per-document row lock, so instances that do not see each other's updates still compact safely.
 *
 * Loads read the snapshot and the log in one statement, i.e. from one MVCC snapshot: a compaction committing
 * in between cannot make a load miss rows (old snapshot, rows already folded away).
 *
 * Every id is checked with `assertValidDocId` before it reaches a statement, and every value travels as a
 * bind parameter; only the validated schema name is spliced into SQL (D7).
 */
import pg from 'pg';
import { PgUserDocIndex } from '../../auth/user-docs/index-pg.js';
import {
  assertValidDocId,
  DocExistsError,
  recordList,
  silentLogger,
  StoreClosedError,
  UnknownDocError,
  type DocMeta,
  type Records,
  type StoredDoc,
  type StoredUpload,
  type UploadQuota,
  type StoredVersion,
  type StoreLogger,
  assertValidUpload,
  UPLOAD_HASH_PATTERN,
  VERSION_ID_PATTERN,
} from '../doc-store.js';
import { PgAppendQueue } from './append-queue.js';
import { compactPgDoc } from './compaction.js';
import { deletePgDoc } from './deletion.js';
import { insertRows, loadPgDoc, readPgHistory } from './doc-rows.js';
import { DEFAULT_RETRY, isTransientPgError, isUniqueViolation, type RetryPolicy } from './errors.js';
import { PgHealth } from './health.js';
import type { PgDocStore, PgStoreOptions } from './options.js';
import { ensurePgSchema, pgTables, type PgTables } from './schema.js';
import { getPgUpload, putPgUpload, putPgUploadWithin } from './uploads.js';
import { deletePgVersions, getPgVersion, listPgVersions, putPgVersion } from './versions.js';

export { AppendQueueFullError } from './append-queue.js';

export type { PgDocStore, PgStoreOptions } from './options.js';

const DEFAULT_POOL_MAX = 10;
const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** Keeps one INSERT's parameters (hex-encoded inside the array literal) to a few MiB. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_ROWS = 5_000;
const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** The PostgreSQL `DocStore` (see the top of this file); construction throws on an invalid schema name. */
export class PgStore implements PgDocStore {
  private readonly tables: PgTables;
  private readonly logger: StoreLogger;
  private readonly pool: pg.Pool;
  private readonly reachability: PgHealth;
  /** Log appends. */
  private readonly queue: PgAppendQueue;
  /** History entries: the same group commit, into doc_history. */
  private readonly historyQueue: PgAppendQueue;
  private readonly closeTimeoutMs: number;
  private schemaReady: Promise<void> | null = null;
  private schemaCreated = false;
  private closed: Promise<void> | null = null;
  private readonly running = new Set<Promise<unknown>>();
  /** [DEL1] Ids this store deleted: a create with one is refused (nothing of it is left in the database). */
  private readonly deleted = new Set<string>();

  constructor(options: PgStoreOptions) {
    this.tables = pgTables(options.schema ?? 'tandem');
    this.logger = options.logger ?? silentLogger;
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pool?.max ?? DEFAULT_POOL_MAX,
      connectionTimeoutMillis: options.pool?.connectionTimeoutMs ?? 5_000,
      keepAlive: true,
      application_name: 'tandem',
    });

    // The probe also finishes creating the tables if that failed, so a store opened while the database was
    // down becomes healthy by itself once it answers.
    this.reachability = new PgHealth(
      async () => {
        await this.pool.query('SELECT 1');
        if (!this.schemaCreated) await this.ensureSchema();
      },
      retry,
      this.logger,
    );
    // An idle pooled connection that dies (server restart, failover) is reported here; without a listener
    // the pool would throw it as an uncaught error and take the process down.
    this.pool.on('error', (err) => this.reachability.failed(err));

    this.queue = this.appendQueue('updates', retry, options);
    this.historyQueue = this.appendQueue('history', retry, options);

    // Start creating the tables now; callers that care await ready(), the others find out on first use.
    this.ensureSchema().catch((err: unknown) => {
      if (isTransientPgError(err)) this.reachability.failed(err);
      else this.logger.error({ err }, 'PostgreSQL store could not create its tables');
    });
  }

  /** [ID7] "My documents" in this database, shared by every instance (same pool, same schema). */
  userDocIndex(): PgUserDocIndex {
    return new PgUserDocIndex(this.pool, this.tables);
  }

  ready(): Promise<void> {
    return this.closed ? Promise.reject(new StoreClosedError()) : this.ensureSchema();
  }

  get healthy(): boolean {
    return (
      !this.closed &&
      this.schemaCreated &&
      this.reachability.isReachable &&
      !this.queue.retrying &&
      !this.historyQueue.retrying
    );
  }

  async health(): Promise<boolean> {
    if (this.closed) return false;
    await this.reachability.check(HEALTH_CHECK_TIMEOUT_MS);
    return this.healthy;
  }

  get queuedBytes(): number {
    return this.queue.queuedBytes + this.historyQueue.queuedBytes;
  }

  create(meta: DocMeta): Promise<void> {
    return this.operation(meta.id, async () => {
      if (this.deleted.has(meta.id)) throw new DocExistsError(meta.id);
      try {
        await this.pool.query(`INSERT INTO ${this.tables.docs} (id, meta) VALUES ($1, $2::jsonb)`, [
          meta.id,
          JSON.stringify(meta),
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DocExistsError(meta.id);
        throw err;
      }
    });
  }

  getMeta(id: string): Promise<DocMeta | null> {
    return this.operation(id, async () => {
      const result = await this.pool.query<{ meta: DocMeta }>(`SELECT meta FROM ${this.tables.docs} WHERE id = $1`, [id]);
      return result.rows[0]?.meta ?? null;
    });
  }

  putMeta(meta: DocMeta): Promise<void> {
    return this.operation(meta.id, async () => {
      const result = await this.pool.query(`UPDATE ${this.tables.docs} SET meta = $2::jsonb WHERE id = $1`, [
        meta.id,
        JSON.stringify(meta),
      ]);
      if (result.rowCount === 0) throw new UnknownDocError(meta.id);
    });
  }

  load(id: string): Promise<StoredDoc | null> {
    return this.operation(id, async () => {
      // Reflect every append this store accepted before the load, as the file store does.
      await this.queue.settled(id);
      return loadPgDoc(this.pool, this.tables, id);
    });
  }

  append(id: string, updates: Records): Promise<void> {
    return this.enqueue(this.queue, id, updates, 'update');
  }

  compact(id: string, snapshot: () => Uint8Array): Promise<void> {
    return this.operation(id, async () => {
      await compactPgDoc(this.pool, this.tables, id, snapshot);
    });
  }

  appendHistory(id: string, entries: Records): Promise<void> {
    return this.enqueue(this.historyQueue, id, entries, 'history entry');
  }

  readHistory(id: string): Promise<Uint8Array[]> {
    return this.operation(id, async () => {
      await this.historyQueue.settled(id);
      return readPgHistory(this.pool, this.tables, id);
    });
  }

  putVersion(id: string, version: StoredVersion): Promise<void> {
    return this.operation(id, async () => {
      if (!VERSION_ID_PATTERN.test(version.id)) throw new RangeError('invalid version id');
      await putPgVersion(this.pool, this.tables, id, version);
    });
  }

  listVersions(id: string): Promise<StoredVersion[]> {
    return this.operation(id, () => listPgVersions(this.pool, this.tables, id));
  }

  getVersion(id: string, versionId: string): Promise<StoredVersion | null> {
    return this.operation(id, async () =>
      VERSION_ID_PATTERN.test(versionId) ? getPgVersion(this.pool, this.tables, id, versionId) : null,
    );
  }

  deleteVersions(id: string, versionIds: string[]): Promise<void> {
    return this.operation(id, () =>
      deletePgVersions(this.pool, this.tables, id, versionIds.filter((v) => VERSION_ID_PATTERN.test(v))),
    );
  }

  putUpload(id: string, upload: StoredUpload, quota?: UploadQuota): Promise<boolean> {
    try {
      assertValidUpload(upload);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.operation(id, () =>
      quota ? putPgUploadWithin(this.pool, this.tables, id, upload, quota) : putPgUpload(this.pool, this.tables, id, upload),
    );
  }

  getUpload(id: string, hash: string): Promise<StoredUpload | null> {
    return this.operation(id, async () => (UPLOAD_HASH_PATTERN.test(hash) ? getPgUpload(this.pool, this.tables, id, hash) : null));
  }

  async *listIds(): AsyncIterable<string> {
    this.admit(undefined);
    await this.ensureSchema();
    const result = await this.pool.query<{ id: string }>(`SELECT id FROM ${this.tables.docs} ORDER BY id`);
    for (const row of result.rows) yield row.id;
  }

  // Appends resolve only once committed, so flushing is waiting for those still queued.
  delete(id: string): Promise<void> {
    return this.operation(id, async () => {
      await deletePgDoc(this.pool, this.tables, id);
      this.deleted.add(id);
    });
  }

  flush(id?: string): Promise<void> {
    return this.appendsSettled(id);
  }

  // Nothing is held open per document: releasing is flushing.
  release(id: string): Promise<void> {
    return this.appendsSettled(id);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([this.queue.drain(this.closeTimeoutMs), this.historyQueue.drain(this.closeTimeoutMs)]);
      await Promise.allSettled([...this.running]);
      this.reachability.stop();
      await this.pool.end();
    })();
    return this.closed;
  }

  /** A group-commit queue writing into the log or the history table (PG2, PG3). */
  private appendQueue(into: 'updates' | 'history', retry: RetryPolicy, options: PgStoreOptions): PgAppendQueue {
    const queue: PgAppendQueue = new PgAppendQueue({
      write: async (rows) => {
        await this.ensureSchema();
        return insertRows(this.pool, this.tables, into, rows);
      },
      isTransient: isTransientPgError,
      retry,
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      maxBatchBytes: MAX_BATCH_BYTES,
      maxBatchRows: MAX_BATCH_ROWS,
      groupCommitMs: Math.max(0, options.groupCommitMs ?? 0),
      onTransientFailure: (err, attempt) => {
        this.reachability.failed(err);
        if (attempt === 0) {
          this.logger.warn(
            { err, table: into, queuedBytes: queue.queuedBytes },
            'PostgreSQL append failed; retrying until the database answers',
          );
        }
      },
      onCommit: () => this.reachability.succeeded(),
    });
    return queue;
  }

  /** Queues one row for the log or the history; refused at once when closed, the id is bad or it is empty. */
  private enqueue(queue: PgAppendQueue, id: string, records: Records, what: string): Promise<void> {
    const list = recordList(records);
    try {
      this.admit(id);
      for (const bytes of list) if (bytes.byteLength === 0) throw new RangeError(`cannot append an empty ${what}`);
    } catch (err) {
      return Promise.reject(err);
    }
    if (list.length === 0) return Promise.resolve();
    // Copies: the caller may reuse its buffers before the batch is sent.
    return queue.push(id, list.map((bytes) => Buffer.from(bytes)));
  }

  /** Creates the tables once; a failure is forgotten, so the next operation tries again. */
  private ensureSchema(): Promise<void> {
    this.schemaReady ??= ensurePgSchema(this.pool, this.tables).then(
      () => {
        this.schemaCreated = true;
      },
      (err: unknown) => {
        this.schemaReady = null;
        throw err;
      },
    );
    return this.schemaReady;
  }

  /** Refuses work after close() and ids that are not document ids — before anything reaches the database. */
  private admit(id: string | undefined): void {
    if (this.closed) throw new StoreClosedError();
    if (id !== undefined) assertValidDocId(id);
  }

  /** A database operation on `id`: admitted, run once the tables exist; unreachability is reported. */
  private operation<T>(id: string, work: () => Promise<T>): Promise<T> {
    try {
      this.admit(id);
    } catch (err) {
      return Promise.reject(err);
    }
    const done = (async () => {
      try {
        await this.ensureSchema();
        return await work();
      } catch (err) {
        if (isTransientPgError(err)) this.reachability.failed(err);
        throw err;
      }
    })();
    this.running.add(done);
    const forget = (): void => void this.running.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** Waits for this store's appends and history entries (of `id`, or all) to settle; no round trip of its own. */
  private async appendsSettled(id: string | undefined): Promise<void> {
    this.admit(id);
    await Promise.all([this.queue.settled(id), this.historyQueue.settled(id)]);
  }
}
