/**
 * A document's history file, `history.log` [HI2][D8]: one log record (log-format.ts) per history entry, appended
 * through its own group-commit queue (append-queue.ts) with the guarantees of the update log [D1]: an entry
 * is in the OS when its append resolves, entries settle in call order, and the store-wide timer fdatasyncs
 * the file within `fsyncIntervalMs` (or before resolving when that is 0).
 *
 * Compaction never reads or removes this file (its name is not a generation file, see snapshot-file.ts):
 * entries are kept for the life of the document. A torn or corrupt tail is cut back to the valid prefix
 * the first time the file is read or opened for writing [D4].
 */
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UnknownDocError } from '../doc-store.js';
import { FileAppendQueue } from './append-queue.js';
import type { EntryContext, PeriodicSync } from './doc-entry.js';
import { fsyncDir, isErrno, Mutex, readFileOrNull, writeAll } from './fs-util.js';
import { decodeLog } from './log-format.js';
import { metaFileExists } from './meta-file.js';
import { truncateFile } from './recovery.js';

export const HISTORY_FILE = 'history.log';

/** The history entries of one document, appended in batches and read back whole. */
export class HistoryFile implements PeriodicSync {
  readonly kind = 'history';
  /** Serializes writes, reads (which may repair the tail), fsyncs and closing. */
  private readonly lock = new Mutex();
  private readonly queue = new FileAppendQueue((records) => this.writeBatch(records));
  private readonly path: string;
  /** Valid length of the file, known once it was scanned; null again after a failed rollback. */
  private size: number | null = null;
  private file: { handle: FileHandle; path: string } | null = null;
  /** Written but not yet fdatasync'ed. */
  private dirty = false;
  /** The periodic fdatasync in flight, if any: closing waits for it. */
  private syncing: Promise<void> | null = null;

  constructor(
    readonly id: string,
    private readonly dir: string,
    private readonly ctx: EntryContext,
  ) {
    this.path = join(dir, HISTORY_FILE);
  }

  /** True when nothing is queued and no handle is open: the store may forget the document. */
  get idle(): boolean {
    return this.queue.idle && this.file === null;
  }

  /** Appends entries in order, as encoded log records (`encodeRecord`). */
  append(entries: Buffer[]): Promise<void> {
    return this.queue.push(entries);
  }

  /** Every valid entry, oldest first, including every append made before this call; [] for unknown documents. */
  async read(): Promise<Uint8Array[]> {
    await this.queue.barrier();
    return this.lock.run(async () => {
      if (!(await metaFileExists(this.dir))) return [];
      return this.scan();
    });
  }

  /** Waits for queued entries and fdatasyncs them. */
  async flush(): Promise<void> {
    await this.queue.barrier();
    await this.lock.run(() => this.sync());
  }

  /** Waits for queued entries, fdatasyncs and closes the handle. The file object stays usable. */
  async close(): Promise<void> {
    await this.queue.barrier();
    await this.lock.run(() => this.closeFile(true));
  }

  /** The periodic fsync, beside appends (not under the lock), as DocEntry.syncInBackground does for the log. */
  async syncInBackground(): Promise<void> {
    const file = this.file;
    if (!file || !this.dirty) return this.ctx.unmarkDirty(this);
    if (this.syncing) {
      void this.syncing.then(() => this.ctx.markDirty(this));
      return;
    }
    this.ctx.unmarkDirty(this);
    this.dirty = false;
    const run = this.ctx.io.datasync(file);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.syncing = settled;
    try {
      await run;
    } catch (err) {
      this.dirty = true;
      throw err;
    } finally {
      if (this.syncing === settled) this.syncing = null;
    }
  }

  /** Reads the file, cuts a torn tail back [D4] and records the valid length. Needs the lock. */
  private async scan(): Promise<Uint8Array[]> {
    const bytes = await readFileOrNull(this.path);
    if (!bytes) {
      this.size = 0;
      return [];
    }
    const decoded = decodeLog(bytes);
    if (decoded.droppedBytes > 0) {
      this.ctx.logger.warn(
        {
          docId: this.id,
          file: HISTORY_FILE,
          droppedBytes: decoded.droppedBytes,
          keptBytes: decoded.validBytes,
          keptRecords: decoded.records.length,
          problem: decoded.problem,
        },
        'torn or corrupt history tail dropped; keeping the valid prefix',
      );
      await truncateFile(this.path, decoded.validBytes);
    }
    this.size = decoded.validBytes;
    return decoded.records;
  }

  /** The open file, opening (and on first use scanning) it. Needs the lock. */
  private async ensureFile(): Promise<{ handle: FileHandle; path: string }> {
    if (this.file) return this.file;
    if (!(await metaFileExists(this.dir))) throw new UnknownDocError(this.id);
    if (this.size === null) await this.scan();
    let handle: FileHandle;
    let created = true;
    try {
      handle = await open(this.path, fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      handle = await open(this.path, fsConstants.O_RDWR);
      created = false;
    }
    this.file = { handle, path: this.path };
    if (created) await fsyncDir(this.dir);
    return this.file;
  }

  /** One group-commit batch of encoded records at the end of the file; a failure rolls the file back and rejects the batch. */
  private async writeBatch(records: Buffer[]): Promise<void> {
    const { io, logger, fsyncIntervalMs } = this.ctx;
    await this.lock.run(async () => {
      const file = await this.ensureFile();
      const start = this.size ?? 0;
      try {
        const written = await writeAll(io, file, records, start);
        if (fsyncIntervalMs === 0) await io.datasync(file);
        this.size = start + written;
      } catch (err) {
        logger.error({ docId: this.id, file: file.path, err, records: records.length }, 'history write failed; entries rejected');
        try {
          await file.handle.truncate(start);
        } catch (truncateErr) {
          logger.error({ docId: this.id, err: truncateErr }, 'could not roll the history file back; it will be re-scanned');
          await this.closeFile(false).catch(() => undefined);
        }
        throw err;
      }
      if (fsyncIntervalMs > 0) {
        this.dirty = true;
        this.ctx.markDirty(this);
      }
    });
  }

  /** fdatasyncs the file if it has unsynced writes. Needs the lock. */
  private async sync(): Promise<void> {
    if (this.syncing) await this.syncing;
    this.ctx.unmarkDirty(this);
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    try {
      await this.ctx.io.datasync(this.file);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /** Closes the handle and forgets the scanned length, optionally fsyncing first. Needs the lock. */
  private async closeFile(sync: boolean): Promise<void> {
    const file = this.file;
    if (!file) return;
    if (this.syncing) await this.syncing;
    try {
      if (sync) await this.sync();
    } finally {
      this.file = null;
      this.size = null;
      this.dirty = false;
      this.ctx.unmarkDirty(this);
      await file.handle.close();
    }
  }
}
