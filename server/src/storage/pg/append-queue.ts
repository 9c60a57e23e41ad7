/**
 * Group commit for the PostgreSQL store: one queue for all documents, one batch in flight at a time. Its file
 * store counterpart is file/append-queue.ts.
 *
 * Appends made in the same tick, or while a batch is being written, go out together as the next batch (one
 * multi-row INSERT, one commit). Batches are written strictly one after another and the promises of a batch
 * settle in push order before the next batch is taken, so appends of one document settle in call order.
 *
 * A batch that fails because the database is away (`isTransient`) is not rejected: it stays at the head and
 * is retried with exponential backoff until it commits, while new appends keep queuing behind it — a
 * restart of PostgreSQL delays acknowledgements but loses nothing. What may queue is bounded by
 * `maxQueuedBytes` (in-flight batch included); a push beyond it is refused at once with
 * `AppendQueueFullError`. Any other failure rejects exactly the appends of its batch.
 *
 * A retried INSERT whose first attempt did commit (the connection died after COMMIT was sent) writes its
 * rows twice. That is harmless: the rows are Yjs updates, and applying one twice changes nothing.
 */
import { retryDelayMs, sleep, type RetryPolicy } from './errors.js';

export interface QueuedAppend {
  docId: string;
  data: Buffer;
}

/**
 * Writes one batch in one transaction. Resolves with one entry per row, in order: null when that row
 * committed, or the error its append should be rejected with (the batch's other rows still committed).
 * Rejects when nothing was written.
 */
export type WriteAppendBatch = (rows: readonly QueuedAppend[]) => Promise<readonly (Error | null)[]>;

export interface PgAppendQueueOptions {
  write: WriteAppendBatch;
  /** True when a failed write may succeed later unchanged (database unreachable, restarting). */
  isTransient(err: unknown): boolean;
  retry: RetryPolicy;
  /** Bytes that may be queued or in flight at once. */
  maxQueuedBytes: number;
  /** A batch stops growing at this many bytes or rows (the rest goes in the next one). */
  maxBatchBytes: number;
  maxBatchRows: number;
  /** Extra time the first append of an idle queue waits for company; 0 = the next turn of the event loop. */
  groupCommitMs: number;
  /** Told about every transient failure (the batch will be retried) and every commit. */
  onTransientFailure(err: unknown, attempt: number): void;
  onCommit(): void;
}

/** An append refused because too many bytes are already waiting for the database. */
export class AppendQueueFullError extends Error {
  constructor(
    readonly docId: string,
    readonly queuedBytes: number,
  ) {
    super(`append refused for document ${docId}: ${queuedBytes} bytes already wait for the database`);
    this.name = 'AppendQueueFullError';
  }
}

/** The rows of one `push`: they settle together, once the last of them has [L11]. */
interface Group {
  left: number;
  error: unknown;
  resolve(): void;
  reject(err: unknown): void;
}

interface Entry extends QueuedAppend {
  group: Group;
}

interface DocTail {
  /** Appends of the document not yet settled. */
  unsettled: number;
  /** Settles (never rejects) once the document's latest append settled. */
  settled: Promise<void>;
}

/** Every document's appends, written in batches with retry; a document's appends settle in call order. */
export class PgAppendQueue {
  private waiting: Entry[] = [];
  private bytes = 0;
  private scheduled = false;
  private running = false;
  private stalled = false;
  /** Set by `drain`: a batch still failing after this time is rejected instead of retried. */
  private giveUpAt: number | null = null;
  /** Once the queue gave up on an absent database, everything still waiting is rejected with this. */
  private abandoned: Error | null = null;
  private readonly docs = new Map<string, DocTail>();
  private lastSettled: Promise<void> = Promise.resolve();

  constructor(private readonly options: PgAppendQueueOptions) {}

  /** Bytes accepted and not yet committed or rejected. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** True while the batch at the head failed transiently and waits to be retried. */
  get retrying(): boolean {
    return this.stalled;
  }

  /**
   * Queues rows of one document (at least one): one promise for all of them [L11], settled once the last has
   * committed (rejected if any of them failed). They may be written in several batches.
   */
  push(docId: string, rows: Buffer[]): Promise<void> {
    let size = 0;
    for (const data of rows) size += data.byteLength;
    if (this.bytes + size > this.options.maxQueuedBytes) {
      return Promise.reject(new AppendQueueFullError(docId, this.bytes));
    }
    this.bytes += size;
    const done = new Promise<void>((resolve, reject) => {
      const group: Group = { left: rows.length, error: null, resolve, reject };
      for (const data of rows) this.waiting.push({ docId, data, group });
    });
    this.track(docId, done);
    this.schedule();
    return done;
  }

  /** Resolves once every append pushed before this call (of `docId`, or of all documents) has settled. */
  settled(docId?: string): Promise<void> {
    if (docId === undefined) return this.lastSettled;
    return this.docs.get(docId)?.settled ?? Promise.resolve();
  }

  /**
   * Settles everything queued: keeps retrying a database that is away for at most `timeoutMs` more, then
   * rejects what is left with the last error. Used by close(), which must not hang on a dead database.
   */
  drain(timeoutMs: number): Promise<void> {
    this.giveUpAt = Date.now() + timeoutMs;
    return this.lastSettled;
  }

  private track(docId: string, done: Promise<void>): void {
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    // Batches settle in push order, so the newest push settles last: its promise stands for all before it.
    this.lastSettled = settled;
    const tail = this.docs.get(docId) ?? { unsettled: 0, settled };
    tail.unsettled++;
    tail.settled = settled;
    this.docs.set(docId, tail);
    void settled.then(() => {
      if (--tail.unsettled === 0 && this.docs.get(docId) === tail) this.docs.delete(docId);
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    const start = (): void => {
      this.scheduled = false;
      void this.run();
    };
    if (this.options.groupCommitMs > 0) setTimeout(start, this.options.groupCommitMs);
    else setImmediate(start);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.takeBatch();
        const outcomes = await this.writeUntilDone(batch);
        batch.forEach((entry, i) => {
          this.bytes -= entry.data.byteLength;
          const { group } = entry;
          group.error ??= outcomes[i];
          if (--group.left > 0) return;
          if (group.error) group.reject(group.error);
          else group.resolve();
        });
      }
    } finally {
      this.running = false;
    }
  }

  /** The oldest waiting appends, up to the batch limits (always at least one). */
  private takeBatch(): Entry[] {
    const { maxBatchBytes, maxBatchRows } = this.options;
    let count = 0;
    let size = 0;
    while (count < this.waiting.length && count < maxBatchRows && (count === 0 || size < maxBatchBytes)) {
      size += this.waiting[count]!.data.byteLength;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  /** Writes the batch, retrying transient failures; resolves with each row's outcome. Never rejects. */
  private async writeUntilDone(batch: readonly Entry[]): Promise<readonly (Error | null)[]> {
    const { abandoned } = this;
    if (abandoned) return batch.map(() => abandoned);
    for (let attempt = 0; ; attempt++) {
      try {
        const outcomes = await this.options.write(batch);
        this.stalled = false;
        this.options.onCommit();
        return outcomes;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const now = Date.now();
        if (!this.options.isTransient(err)) return batch.map(() => error);
        if (this.giveUpAt !== null && now >= this.giveUpAt) {
          // Closing, and the database is still away: trying each later batch once more would only add a
          // connect timeout per batch to the shutdown.
          this.abandoned = error;
          return batch.map(() => error);
        }
        this.stalled = true;
        this.options.onTransientFailure(err, attempt);
        const delay = retryDelayMs(this.options.retry, attempt);
        await sleep(this.giveUpAt === null ? delay : Math.min(delay, Math.max(0, this.giveUpAt - now)));
      }
    }
  }
}
