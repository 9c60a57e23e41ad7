/**
 * Group commit for the file store: one queue per document, one batch (one `writev`) in flight at a time. Its
 * PostgreSQL counterpart is pg/append-queue.ts.
 *
 * `push` queues records (one, or several that settle together [L11]) and returns one promise for them. The
 * queue is drained on the next turn of the event loop (`setImmediate`), so every append made in the same
 * tick — and every append made while a previous batch is being written — goes out as one batch, i.e. one
 * `writev`. Batches run strictly one after another, and the promises of a batch settle in push order before
 * the next batch starts, so appends settle in call order.
 * A failing batch rejects exactly its own records; the next batch is tried normally.
 */

interface Pending {
  records: Buffer[];
  resolve(): void;
  reject(err: unknown): void;
}

export type WriteBatch = (records: Buffer[]) => Promise<void>;

/** One document's appends, written in batches and settled in call order. */
export class FileAppendQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private running = false;
  /** Settles (never rejects) once every record pushed so far has settled. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly writeBatch: WriteBatch) {}

  /** True when nothing is queued or being written. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.running && !this.scheduled;
  }

  push(records: Buffer[]): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
    });
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    if (!this.scheduled && !this.running) {
      this.scheduled = true;
      setImmediate(() => void this.drain());
    }
    return done;
  }

  /** Resolves once everything pushed before this call has been written or rejected. */
  barrier(): Promise<void> {
    return this.tail;
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.writeBatch(batch.length === 1 ? batch[0]!.records : batch.flatMap((p) => p.records));
        } catch (err) {
          for (const p of batch) p.reject(err);
          continue;
        }
        for (const p of batch) p.resolve();
      }
    } finally {
      this.running = false;
    }
  }
}
