import type * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DocMeta, DocStore } from '../storage/doc-store.js';
import { encodeIntegratedState } from './update-guard.js';

export interface DurableLogDeps {
  store: DocStore;
  metrics: Metrics;
  /** The room's logger (it names the document). */
  logger: Logger;
  /** Log bytes after which the log is folded into a snapshot. */
  compactAfterBytes: number;
}

/** What the room hears from its write path. */
export interface DurableLogEvents {
  /** An append is durable; called in the order the appends were made, with who sent the update. */
  durable(update: Uint8Array, origin: unknown, hadEntry: boolean): void;
  /** [D6] An append failed; called once, after which nothing more is acknowledged. */
  failed(): void;
}

/** [L11] Changes appended in one turn of the event loop: handed to storage together, settled together. */
interface AppendBatch {
  updates: Uint8Array[];
  /** Who sent each update (same index). */
  origins: unknown[];
  /** Whether each update came with a history entry (same index). */
  hadEntry: boolean[];
  entries: Uint8Array[];
  /** When its first change was appended (ms, `performance.now()`). */
  started: number;
}

/**
 * A room's write path: appends each local change to storage in order, counts the log's bytes, compacts it
 * when it grows, and fails the document as a whole when an append fails. Readers wait for it (`afterWrites`,
 * `whenDurable`) so that nothing not yet durable reaches a peer or another instance.
 */
export class DurableLog {
  /** Settles once every append issued so far has been written (or has failed). */
  private lastWrite: Promise<void> = Promise.resolve();
  private logBytes: number;
  private storedBytes: number;
  private compaction: Promise<void> | null = null;
  private hasFailed = false;
  /** [DEL4] The document was deleted: no compaction, no final write. */
  private abandoned = false;
  /**
   * Appends issued since the room opened, and how many of them have settled (written or failed): their
   * difference is the [L10] backlog; the settled count is what [RL4] holds presence behind.
   */
  private appendCount = 0;
  private settledCount = 0;
  /** [L10] Who waits for the backlog to fall, with the most appends each will accept still unsettled. */
  private backlogWaiters: { atMost: number; fn: () => void }[] = [];
  /** [L11] Changes appended this turn, not yet handed to storage. */
  private openBatch: AppendBatch | null = null;

  constructor(
    private readonly docId: string,
    private readonly doc: Y.Doc,
    private readonly deps: DurableLogDeps,
    stored: { snapshotBytes: number; logBytes: number },
    private readonly events: DurableLogEvents,
  ) {
    this.logBytes = stored.logBytes;
    this.storedBytes = stored.snapshotBytes + stored.logBytes;
  }

  /** Roughly how large the stored document is (last snapshot + updates since): what the size limit checks. */
  get approxBytes(): number {
    return this.storedBytes;
  }

  /** [L10] Changes applied in memory whose appends have not settled yet. */
  get backlog(): number {
    return this.appendCount - this.settledCount;
  }

  /** [RL4] How many appends have been issued so far: what `settled` must reach for all of them to be written. */
  get appended(): number {
    return this.appendCount;
  }

  /** [RL4] How many appends have settled so far (they settle in order: these are the first ones). */
  get settled(): number {
    return this.settledCount;
  }

  /** [L10] Calls `fn` once at most `atMost` appends are unsettled (right away if that is already so). */
  whenBacklogAtMost(atMost: number, fn: () => void): void {
    if (this.backlog <= atMost) return fn();
    this.backlogWaiters.push({ atMost, fn });
  }

  /** True once an append has failed: the document in memory is no longer what storage holds. */
  get failed(): boolean {
    return this.hasFailed;
  }

  /**
   * [D1] Appends one accepted change; `events.durable` hears of it once storage has it, in append order, so
   * relays leave in the order appends complete. `origin` is who sent it (the `Connection` of a client's
   * edit): the place where attributing a change to its author hooks in. [L11] The changes of one turn (all
   * the messages one read of a socket brought) go to storage as one batch with one promise, handed over
   * at the end of the turn or as soon as someone waits for the writes.
   */
  append(update: Uint8Array, origin: unknown, historyEntry: Uint8Array | null = null): void {
    this.logBytes += update.byteLength;
    this.storedBytes += update.byteLength;
    this.appendCount++;
    let batch = this.openBatch;
    if (!batch) {
      batch = this.openBatch = { updates: [], origins: [], hadEntry: [], entries: [], started: performance.now() };
      queueMicrotask(this.issueOpenBatch);
    }
    batch.updates.push(update);
    batch.origins.push(origin);
    // [HI2] The update's history entry is written beside it; neither is relayed on until both are.
    batch.hadEntry.push(historyEntry !== null);
    if (historyEntry) batch.entries.push(historyEntry);
  }

  /** [L11] Hands this turn's changes to storage; `lastWrite` covers them from now on. */
  private readonly issueOpenBatch = (): void => {
    const batch = this.openBatch;
    if (!batch) return;
    this.openBatch = null;
    const { store } = this.deps;
    const written =
      batch.entries.length > 0
        ? Promise.all([store.append(this.docId, batch.updates), store.appendHistory(this.docId, batch.entries)])
        : store.append(this.docId, batch.updates);
    const count = batch.updates.length;
    this.lastWrite = written.then(
      () => {
        this.settle(count);
        this.deps.metrics.storageWriteSeconds.observe((performance.now() - batch.started) / 1000);
        // [D6] Nothing is acknowledged after a failure, even what a later batch did write.
        if (this.hasFailed) return;
        for (let i = 0; i < count; i++) this.events.durable(batch.updates[i]!, batch.origins[i], batch.hadEntry[i]!);
        this.maybeCompact();
      },
      (error: unknown) => {
        this.settle(count);
        this.fail(error);
      },
    );
  };

  /** `count` appends settled: wakes those waiting for the backlog to fall this far. */
  private settle(count: number): void {
    this.settledCount += count;
    if (this.backlogWaiters.length === 0) return;
    const due = this.backlogWaiters.filter((w) => this.backlog <= w.atMost);
    if (due.length === 0) return;
    this.backlogWaiters = this.backlogWaiters.filter((w) => this.backlog > w.atMost);
    for (const w of due) w.fn();
  }

  /** [CL1] Counts an update another instance already stored (it is in the shared store, not appended here). */
  countRemote(update: Uint8Array): void {
    this.storedBytes += update.byteLength;
  }

  /** [DEL4] The document was deleted: from now on nothing is compacted and `close` writes nothing but the release. */
  abandon(): void {
    this.abandoned = true;
  }

  get isAbandoned(): boolean {
    return this.abandoned;
  }

  /** Runs `fn` once every append issued so far has completed, unless one failed. */
  afterWrites(fn: () => void): void {
    this.issueOpenBatch();
    void this.lastWrite.then(() => {
      if (!this.hasFailed) fn();
    });
  }

  /** Resolves with `value` once every append issued so far is durable; with null if the write path failed. */
  whenDurable<T>(value: T): Promise<T | null> {
    this.issueOpenBatch();
    return this.lastWrite.then(() => (this.hasFailed ? null : value));
  }

  /**
   * [U2] Final write: waits for pending appends and compaction, folds what is left of the log into a
   * snapshot, saves `meta()` and releases storage. Nothing is written after a failure but the release.
   */
  async close(meta: () => DocMeta): Promise<void> {
    this.issueOpenBatch();
    await this.lastWrite;
    await this.compaction;
    if (!this.hasFailed && !this.abandoned) {
      if (this.logBytes > 0) await this.compact();
      await this.deps.store.putMeta(meta()).catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'could not save document metadata');
      });
    }
    await this.deps.store.release(this.docId);
  }

  private maybeCompact(): void {
    if (this.compaction || this.abandoned || this.logBytes < this.deps.compactAfterBytes) return;
    this.compaction = this.compact().finally(() => {
      this.compaction = null;
    });
  }

  /** Folds the log into a snapshot; failures are logged, the log still holds everything. */
  private async compact(): Promise<void> {
    const bytesBefore = this.logBytes;
    this.logBytes = 0;
    try {
      let snapshotBytes = 0;
      await this.deps.store.compact(this.docId, () => {
        const snapshot = encodeIntegratedState(this.doc);
        snapshotBytes = snapshot.byteLength;
        return snapshot;
      });
      this.storedBytes = snapshotBytes + this.logBytes;
      this.deps.logger.debug({ logBytes: bytesBefore, snapshotBytes }, 'compacted');
    } catch (error) {
      this.logBytes += bytesBefore;
      this.deps.metrics.errors.inc({ kind: 'storage' });
      this.deps.logger.error({ err: error }, 'compaction failed; the log still holds every update');
    }
  }

  /**
   * [D6] An append failed: what is in memory is no longer what is on disk. The room closes every socket
   * without acknowledging anything; the registry discards it, and reconnecting clients resend what is missing.
   */
  private readonly fail = (error: unknown): void => {
    if (this.hasFailed) return;
    this.hasFailed = true;
    this.deps.metrics.errors.inc({ kind: 'storage' });
    this.deps.logger.error({ err: error }, 'storage append failed; closing the document');
    this.events.failed();
  };
}
