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
  /** [L10] Appends issued and not yet settled (written or failed). */
  private unsettled = 0;
  /** [L10] Who waits for the backlog to fall, with the most appends each will accept still unsettled. */
  private backlogWaiters: { atMost: number; fn: () => void }[] = [];

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
    return this.unsettled;
  }

  /** [L10] Calls `fn` once at most `atMost` appends are unsettled (right away if that is already so). */
  whenBacklogAtMost(atMost: number, fn: () => void): void {
    if (this.unsettled <= atMost) return fn();
    this.backlogWaiters.push({ atMost, fn });
  }

  /** True once an append has failed: the document in memory is no longer what storage holds. */
  get failed(): boolean {
    return this.hasFailed;
  }

  /**
   * [D1] Appends one accepted change; `events.durable` hears of it once storage has it, in append order, so
   * relays leave in the order appends complete. `origin` is who sent it (the `Connection` of a client's
   * edit): the place where attributing a change to its author hooks in.
   */
  append(update: Uint8Array, origin: unknown, historyEntry: Uint8Array | null = null): void {
    const started = performance.now();
    this.logBytes += update.byteLength;
    this.storedBytes += update.byteLength;
    const { store } = this.deps;
    // [HI2] The update's history entry is written beside it; neither is relayed on until both are.
    const written = historyEntry
      ? Promise.all([store.append(this.docId, update), store.appendHistory(this.docId, historyEntry)])
      : store.append(this.docId, update);
    this.unsettled++;
    this.lastWrite = written.then(
      () => {
        this.settle();
        this.deps.metrics.storageWriteSeconds.observe((performance.now() - started) / 1000);
        this.events.durable(update, origin, historyEntry !== null);
        this.maybeCompact();
      },
      (error: unknown) => {
        this.settle();
        this.fail(error);
      },
    );
  }

  /** One append settled: wakes those waiting for the backlog to fall this far. */
  private settle(): void {
    this.unsettled--;
    if (this.backlogWaiters.length === 0) return;
    const due = this.backlogWaiters.filter((w) => this.unsettled <= w.atMost);
    if (due.length === 0) return;
    this.backlogWaiters = this.backlogWaiters.filter((w) => this.unsettled > w.atMost);
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
    void this.lastWrite.then(() => {
      if (!this.hasFailed) fn();
    });
  }

  /** Resolves with `value` once every append issued so far is durable; with null if the write path failed. */
  whenDurable<T>(value: T): Promise<T | null> {
    return this.lastWrite.then(() => (this.hasFailed ? null : value));
  }

  /**
   * [U2] Final write: waits for pending appends and compaction, folds what is left of the log into a
   * snapshot, saves `meta()` and releases storage. Nothing is written after a failure but the release.
   */
  async close(meta: () => DocMeta): Promise<void> {
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
