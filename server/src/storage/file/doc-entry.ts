/**
 * The file store's in-memory handle on one document: its locks, its group-commit queue and, once the directory
 * has been scanned, its log state and open log file; beside them its history file and its versions. See
 * store.ts for the scheme.
 */
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UnknownDocError, type StoreLogger } from '../doc-store.js';
import type { DocLogState } from './compaction.js';
import { fsyncDir, isErrno, Mutex, writeAll, type StoreIo } from './fs-util.js';
import { FileAppendQueue } from './append-queue.js';
import { HistoryFile } from './history-file.js';
import { scanDocDir, type ScanResult } from './recovery.js';
import { genFileName } from './snapshot-file.js';
import { VersionsFile } from './versions-file.js';

/** A file with writes not yet fdatasync'ed, for the store-wide group-commit timer. */
export interface PeriodicSync {
  /** The document it belongs to (for logging). */
  readonly id: string;
  /** Which of the document's files (for logging). */
  readonly kind: string;
  /** fdatasyncs beside ongoing writes; writes made meanwhile mark it dirty again. */
  syncInBackground(): Promise<void>;
}

export interface EntryContext {
  io: StoreIo;
  logger: StoreLogger;
  fsyncIntervalMs: number;
  /** Registers a file for the store's periodic fsync. */
  markDirty(file: PeriodicSync): void;
  /** Removes it again (after an explicit fsync or close). */
  unmarkDirty(file: PeriodicSync): void;
}

export class DocEntry implements PeriodicSync {
  /** The update log is what this object syncs itself; the history file registers on its own. */
  readonly kind = 'log';
  /** Serializes log writes, fsyncs, directory scans and the cut/rename/delete compaction steps. */
  readonly lock = new Mutex();
  /** One compaction at a time. */
  readonly compactions = new Mutex();
  /** Serializes create/putMeta. */
  readonly metaLock = new Mutex();
  readonly queue: FileAppendQueue;
  /** History entries [HI2]: their own file, queue and lock, never touched by compaction. */
  readonly history: HistoryFile;
  /** Stored versions [HI4]. */
  readonly versions: VersionsFile;
  /** Known once the directory has been scanned; null again after release or a failed rollback. */
  state: DocLogState | null = null;
  compacting = false;
  /** Operations in flight; an idle entry without state is forgotten by the store. */
  users = 0;

  constructor(
    readonly id: string,
    readonly dir: string,
    private readonly ctx: EntryContext,
  ) {
    this.queue = new FileAppendQueue((records) => this.writeBatch(records));
    this.history = new HistoryFile(id, dir, ctx);
    this.versions = new VersionsFile(id, dir, ctx);
  }

  /** True when nothing is in flight or held open: the store may forget the entry. */
  get idle(): boolean {
    return this.users === 0 && this.state === null && this.queue.idle && this.history.idle;
  }

  /** Reads (and repairs) the directory. Needs the lock. Null when the document does not exist. */
  async scan(): Promise<ScanResult | null> {
    const scan = await scanDocDir({
      dir: this.dir,
      docId: this.id,
      logger: this.ctx.logger,
      // Temp files can only be leftovers when nothing of ours is running on this document.
      removeTmp: this.state === null && !this.compacting,
    });
    if (scan && !this.state) {
      this.state = {
        generation: scan.generation,
        size: scan.currentLogBytes,
        base: scan.baseSnapshot,
        corrupt: scan.corruptSnapshots,
        complete: scan.complete,
        file: null,
        dirty: false,
      };
    }
    return scan;
  }

  /** The log state, scanning first if needed. Needs the lock. */
  async ensureState(): Promise<DocLogState> {
    if (this.state) return this.state;
    if (!(await this.scan()) || !this.state) throw new UnknownDocError(this.id);
    return this.state;
  }

  /** Opens the current log lazily; a newly created log file is made durable in its directory. */
  private async ensureLogFile(state: DocLogState): Promise<{ handle: FileHandle; path: string }> {
    if (state.file) return state.file;
    const path = join(this.dir, genFileName('log', state.generation));
    let handle: FileHandle;
    try {
      handle = await open(path, fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      handle = await open(path, fsConstants.O_RDWR);
      state.file = { handle, path };
      return state.file;
    }
    state.file = { handle, path };
    await fsyncDir(this.dir);
    return state.file;
  }

  /** Writes one group-commit batch of encoded records at the end of the current log (D1), rolling back on failure (D6). */
  private async writeBatch(records: Buffer[]): Promise<void> {
    const { io, logger, fsyncIntervalMs } = this.ctx;
    await this.lock.run(async () => {
      const state = await this.ensureState();
      const file = await this.ensureLogFile(state);
      const start = state.size;
      try {
        const written = await writeAll(io, file, records, start);
        if (fsyncIntervalMs === 0) await io.datasync(file);
        state.size = start + written;
      } catch (err) {
        logger.error({ docId: this.id, file: file.path, err, records: records.length }, 'log write failed; appends rejected');
        try {
          await file.handle.truncate(start);
        } catch (truncateErr) {
          logger.error({ docId: this.id, err: truncateErr }, 'could not roll the log back; it will be re-scanned');
          await this.closeState(false).catch(() => undefined);
        }
        throw err;
      }
      if (fsyncIntervalMs > 0) {
        state.dirty = true;
        this.ctx.markDirty(this);
      }
    });
  }

  /**
   * The periodic fsync (group commit). It runs beside appends, not under the lock, so appends never wait for
   * the disk; writes made meanwhile mark the log dirty again for the next round. Whoever closes or rotates
   * the log handle (all under the lock) waits for it first.
   */
  async syncInBackground(): Promise<void> {
    const state = this.state;
    if (!state?.file || !state.dirty) return this.ctx.unmarkDirty(this);
    // One at a time: the next round, scheduled once this one is done, picks up what it did not cover.
    if (state.syncing) {
      void state.syncing.then(() => this.ctx.markDirty(this));
      return;
    }
    this.ctx.unmarkDirty(this);
    state.dirty = false;
    const run = this.ctx.io.datasync(state.file);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    state.syncing = settled;
    try {
      await run;
    } catch (err) {
      state.dirty = true;
      throw err;
    } finally {
      if (state.syncing === settled) state.syncing = null;
    }
  }

  /** fdatasyncs the current log if it has unsynced writes. Needs the lock. */
  async syncLog(): Promise<void> {
    const state = this.state;
    if (state?.syncing) await state.syncing;
    this.ctx.unmarkDirty(this);
    if (!state?.file || !state.dirty) return;
    state.dirty = false;
    try {
      await this.ctx.io.datasync(state.file);
    } catch (err) {
      state.dirty = true;
      throw err;
    }
  }

  /** fsyncs (if dirty) and closes the current log handle, keeping the state. Needs the lock. */
  async closeLog(): Promise<void> {
    const file = this.state?.file;
    if (!file) return;
    await this.syncLog();
    if (this.state) this.state.file = null;
    await file.handle.close();
  }

  /** Closes the log handle and forgets the state, optionally fsyncing first. Needs the lock. */
  async closeState(sync: boolean): Promise<void> {
    const state = this.state;
    if (!state) return;
    if (state.syncing) await state.syncing;
    try {
      if (sync) await this.syncLog();
    } finally {
      this.state = null;
      this.ctx.unmarkDirty(this);
      await state.file?.handle.close();
    }
  }

  /**
   * Waits for queued appends and any compaction, then fsyncs and closes the log; the history file likewise,
   * and the versions index is dropped. The entry stays usable.
   */
  async release(): Promise<void> {
    const results = await Promise.allSettled([
      this.compactions.run(async () => {
        await this.queue.barrier();
        await this.lock.run(() => this.closeState(true));
      }),
      this.history.close(),
      this.versions.release(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
