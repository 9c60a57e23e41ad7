/**
 * The file-system `DocStore`.
 *
 * On-disk scheme
 * --------------
 *   <dataDir>/docs/<id>/meta.json     the DocMeta; replaced atomically (meta.json.tmp, fsync, rename, fsync dir).
 *                                     Its presence is what makes a document exist; see meta-file.ts.
 *   <dataDir>/docs/<id>/log.<G>       append-only update records, see log-format.ts.
 *   <dataDir>/docs/<id>/snapshot.<G>  a compacted Yjs state, see snapshot-file.ts.
 *   <dataDir>/docs/<id>/history.log   history entries [HI2], log records appended like the log's, never
 *                                     compacted; see history-file.ts.
 *   <dataDir>/docs/<id>/versions.log  stored versions [HI4], fsynced put/delete records; see versions-file.ts.
 *   <dataDir>/deleting/<id>           a document being deleted [DEL2]: its directory, moved here in one rename,
 *                                     removed right after (or when the store next opens); see deletion.ts.
 *   <dataDir>/docs/<id>/uploads/<hash> uploaded images [UP4], content-addressed; see uploads-dir.ts.
 *
 * Generations: appends go to `log.<G>` where G is the highest generation of any snapshot or log present (0 for
 * a new document). `snapshot.<K>` covers everything in every log with generation < K. Loading takes the
 * highest snapshot that passes its checksum (K, or none) and replays every log with generation >= K in
 * generation order. Leftover `snapshot.<K>.tmp` files are never read and are deleted on first open.
 *
 * Compaction of a document at generation N (steps named as passed to `hooks.beforeCompactionStep`):
 *   cut              under the document lock (no log write in flight): call `snapshot()`, fsync and close
 *                    log.N, create log.<N+1>, fsync the directory. Appends from now on go to log.<N+1>.
 *                    Refused [D10] when the document was loaded without the snapshot its logs build on.
 *   write-snapshot   write snapshot.<N+1>.tmp and fsync it (appends keep flowing meanwhile).
 *   verify-snapshot  [D3] read it back: it must pass its checks, equal the bytes written and apply whole in Yjs
 *                    with the state vector it was written with; if not, it is removed and nothing else changes.
 *   rename-snapshot  rename it to snapshot.<N+1>, fsync the directory.
 *   delete-old       [D9] delete every snapshot, then every log, older than N+1 (snapshots the scan found
 *                    corrupt are renamed to `<name>.corrupt` instead [D10]), fsync the directory.
 *   done
 * After a compaction (so after a clean shutdown, whose final write compacts) the directory holds
 * snapshot.<N+1>, an empty or short log.<N+1> and meta.json, plus history/versions/uploads.
 * Crash analysis: before the rename, load sees the previous generation's snapshot + every log after it, which
 * still hold everything (log.<N+1> may be empty or missing). After the rename it sees snapshot.<N+1> (already
 * read back and checked) + log.<N+1>. Deletion only removes files below N+1, which that view never reads, so
 * it can stop anywhere; as snapshots go first, a snapshot left behind still has every log after it.
 * A snapshot damaged later, with no older generation left, is reported by `tandem fsck` [D10][CLI5]; a good
 * older one (a compaction stopped before its deletions) is still a whole fallback (D5).
 *
 * Appends (D1, D6): records of one document are group-committed (append-queue.ts) into one `writev` at the
 * tracked end of the current log; `append` resolves once the bytes are in the OS page cache, so SIGKILL
 * cannot lose them. Dirty logs (and history files) are fdatasync'ed by one store-wide unref'd timer
 * (group-fsync.ts) at most `fsyncIntervalMs` later, or before resolving when `fsyncIntervalMs` is 0. A failed write rejects exactly the records of its
 * batch and truncates the log back to its last good length; if even that fails, the document's state is
 * dropped and the next operation re-scans the directory (recovery cuts any torn tail).
 *
 * Recovery (D4): the first operation that needs a document's log state scans its directory
 * (recovery.ts): corrupt snapshots are skipped with a warning, a torn/corrupt log tail is truncated to the
 * valid prefix with a warning naming the document and the bytes dropped.
 *
 * Concurrency: per document, a mutex serializes log writes, fsyncs, scans and the cut/rename/delete steps;
 * a second mutex serializes compactions; a third serializes meta writes. Documents never wait for each other.
 * History and versions have locks of their own, so they never wait for the log or a compaction.
 * Ids are checked with `assertValidDocId` before any path is built (D7); version ids never reach a path.
 *
 * Deletion [DEL2]: the id goes into `deleted` first, so every later write is refused and every read finds
 * nothing; writes already queued finish; then, holding the meta, compaction and log locks, the directory is
 * moved to its marker (the commit point) and removed. See deletion.ts.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { compactDoc, type CompactionHooks } from './compaction.js';
import { DocEntry, type EntryContext } from './doc-entry.js';
import { GroupFsync } from './group-fsync.js';
import {
  assertValidDocId,
  DocExistsError,
  isValidDocId,
  recordList,
  silentLogger,
  StoreClosedError,
  UnknownDocError,
  type DocMeta,
  type DocStore,
  type Records,
  type StoredDoc,
  type StoredUpload,
  type UploadQuota,
  type StoredVersion,
  type StoreLogger,
  VERSION_ID_PATTERN,
} from '../doc-store.js';
import { defaultIo, fsyncDir, isErrno, type StoreIo } from './fs-util.js';
import { encodeRecord, MAX_RECORD_BYTES } from './log-format.js';
import { META_FILE, metaFileExists, readMetaFile, writeMetaFile } from './meta-file.js';
import { unlinkIfPresent } from './recovery.js';
import { deletionMarker, deletionPending, finishInterruptedDeletes, moveToDeleting, removeMarker } from './deletion.js';
import { putUploadFile, readUploadFile } from './uploads-dir.js';
import { KeyedLock } from '../keyed-lock.js';

export type { StoreIo } from './fs-util.js';
export type { CompactionStep, CompactionHooks } from './compaction.js';

export interface FileStoreOptions {
  dataDir: string;
  /** Longest time an appended record may stay written-but-not-fsynced; 0 = fsync before resolving. */
  fsyncIntervalMs: number;
  /** pino-compatible; silent when omitted. */
  logger?: StoreLogger;
  hooks?: CompactionHooks;
  /** Test seam for injecting I/O failures (ENOSPC, EIO, short writes); production leaves it out. */
  io?: Partial<StoreIo>;
}

/** The file-system `DocStore` (the scheme is described at the top of this file). */
export class FileStore implements DocStore {
  private readonly dataDir: string;
  private readonly docsDir: string;
  /** [DEL1] Ids deleted (or being deleted) by this process: writes are refused, reads find nothing. */
  private readonly deleted = new Set<string>();
  /** [UP9] Serializes the uploads of each document, so a quota check and its write are one step. */
  private readonly uploadLock = new KeyedLock();
  private readonly logger: StoreLogger;
  private readonly hooks: CompactionHooks;
  private readonly entries = new Map<string, DocEntry>();
  private readonly groupFsync: GroupFsync;
  private closed: Promise<void> | null = null;
  /** What every document's entry shares: the I/O, the logger and the store-wide fsync timer. */
  private readonly ctx: EntryContext;

  constructor(options: FileStoreOptions) {
    this.dataDir = resolve(options.dataDir);
    this.docsDir = join(this.dataDir, 'docs');
    this.logger = options.logger ?? silentLogger;
    this.hooks = options.hooks ?? {};
    const fsyncIntervalMs = Math.max(0, options.fsyncIntervalMs);
    this.groupFsync = new GroupFsync(fsyncIntervalMs, this.logger);
    this.ctx = {
      io: { ...defaultIo, ...options.io },
      logger: this.logger,
      fsyncIntervalMs,
      markDirty: (file) => this.groupFsync.mark(file),
      unmarkDirty: (file) => this.groupFsync.unmark(file),
    };
  }

  /** A store over `options.dataDir` that has finished every delete a crash interrupted [DEL2]. */
  static async open(options: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore(options);
    await store.recover();
    return store;
  }

  /** [DEL2] Removes what interrupted deletes left (their markers); `FileStore.open` runs it. */
  async recover(): Promise<void> {
    this.checkOpen();
    await finishInterruptedDeletes(this.dataDir, this.logger);
  }

  create(meta: DocMeta): Promise<void> {
    return this.withEntry(meta.id, (entry) =>
      entry.metaLock.run(async () => {
        // [DEL1] A deleted id is never created again (while its marker exists, not even after a restart).
        if (this.deleted.has(entry.id) || (await deletionPending(this.dataDir, entry.id))) throw new DocExistsError(entry.id);
        if (await metaFileExists(entry.dir)) throw new DocExistsError(entry.id);
        const madeDir = await mkdir(this.docsDir, { recursive: true });
        if (madeDir) {
          // Make the new directories' entries durable: the topmost one's in its parent, docs/ in dataDir.
          await fsyncDir(dirname(madeDir));
          await fsyncDir(dirname(this.docsDir));
        }
        try {
          await mkdir(entry.dir);
        } catch (err) {
          if (!isErrno(err, 'EEXIST')) throw err;
          await entry.lock.run(async () => {
            await entry.closeState(false);
            await this.removeOrphans(entry);
          });
        }
        await writeMetaFile(this.ctx.io, entry.dir, meta);
        await fsyncDir(this.docsDir);
      }),
    );
  }

  async getMeta(id: string): Promise<DocMeta | null> {
    this.checkOpen();
    const dir = this.docDir(id);
    return this.deleted.has(id) ? null : readMetaFile(dir);
  }

  putMeta(meta: DocMeta): Promise<void> {
    return this.withLiveEntry(meta.id, (entry) =>
      entry.metaLock.run(async () => {
        if (!(await metaFileExists(entry.dir))) throw new UnknownDocError(entry.id);
        await writeMetaFile(this.ctx.io, entry.dir, meta);
      }),
    );
  }

  load(id: string): Promise<StoredDoc | null> {
    return this.withEntry(id, async (entry): Promise<StoredDoc | null> => {
      if (this.deleted.has(id)) return null;
      await entry.queue.barrier();
      const scan = await entry.lock.run(() => entry.scan());
      return scan ? scan.stored : null;
    });
  }

  append(id: string, updates: Records): Promise<void> {
    return this.enqueue(id, updates, 'update', (entry, records) => entry.queue.push(records));
  }

  compact(id: string, snapshot: () => Uint8Array): Promise<void> {
    return this.withLiveEntry(id, (entry) =>
      entry.compactions.run(async () => {
        entry.compacting = true;
        try {
          await compactDoc({
            docId: entry.id,
            dir: entry.dir,
            lock: entry.lock,
            io: this.ctx.io,
            hooks: this.hooks,
            logger: this.logger,
            snapshot,
            getState: () => entry.ensureState(),
            currentState: () => entry.state,
            closeLog: () => entry.closeLog(),
          });
        } finally {
          entry.compacting = false;
        }
      }),
    );
  }

  appendHistory(id: string, entries: Records): Promise<void> {
    return this.enqueue(id, entries, 'history entry', (docEntry, records) => docEntry.history.append(records));
  }

  readHistory(id: string): Promise<Uint8Array[]> {
    return this.withEntry(id, async (entry) => (this.deleted.has(id) ? [] : entry.history.read()));
  }

  putVersion(id: string, version: StoredVersion): Promise<void> {
    return this.withLiveEntry(id, async (entry) => {
      if (!VERSION_ID_PATTERN.test(version.id)) throw new RangeError('invalid version id');
      await entry.versions.put(version);
    });
  }

  listVersions(id: string): Promise<StoredVersion[]> {
    return this.withEntry(id, async (entry) => (this.deleted.has(id) ? [] : entry.versions.list()));
  }

  getVersion(id: string, versionId: string): Promise<StoredVersion | null> {
    return this.withEntry(id, async (entry) =>
      VERSION_ID_PATTERN.test(versionId) && !this.deleted.has(id) ? entry.versions.get(versionId) : null,
    );
  }

  deleteVersions(id: string, versionIds: string[]): Promise<void> {
    // An id failing the pattern cannot have been stored, so there is nothing to delete for it.
    return this.withEntry(id, async (entry) => {
      if (this.deleted.has(id)) return;
      await entry.versions.delete(versionIds.filter((v) => VERSION_ID_PATTERN.test(v)));
    });
  }

  /**
   * [DEL1][DEL2] Refuses new writes at once, lets queued ones finish, moves the directory to its marker under
   * the document's locks (the commit point, durable), then removes the marker. A failure before the move
   * leaves the document as it was; one after it leaves the marker for `recover` at the next open.
   */
  async delete(id: string): Promise<void> {
    this.checkOpen();
    const dir = this.docDir(id);
    if (this.deleted.has(id)) throw new UnknownDocError(id);
    const marker = deletionMarker(this.dataDir, id);
    this.deleted.add(id);
    const entry = this.entryFor(id);
    entry.users++;
    let committed = false;
    try {
      // Writes queued before the delete land in the directory that is about to go; none can start after.
      await entry.release().catch(() => undefined);
      await entry.metaLock.run(() =>
        entry.compactions.run(() =>
          entry.lock.run(async () => {
            if (!(await metaFileExists(dir))) throw new UnknownDocError(id);
            await entry.closeState(false);
            await moveToDeleting(dir, marker);
            committed = true;
          }),
        ),
      );
    } catch (err) {
      if (!committed) this.deleted.delete(id);
      throw err;
    } finally {
      entry.users--;
      this.maybeForget(entry);
    }
    // Durable from here on. The files go now; if that fails the marker stays for the next open's recovery.
    await removeMarker(marker).catch((err: unknown) =>
      this.logger.error({ docId: id, err }, 'could not remove a deleted document\'s files; they go at the next start'),
    );
  }

  async putUpload(id: string, upload: StoredUpload, quota?: UploadQuota): Promise<boolean> {
    this.checkOpen();
    const dir = this.docDir(id);
    // [DEL1] Never into a deleted document; one racing the delete fails with the moved directory (no mkdir -p).
    if (this.deleted.has(id)) throw new UnknownDocError(id);
    // [UP9] Counting the usage and linking the file are one step per document.
    return this.uploadLock.run(id, () => putUploadFile(this.ctx.io, id, dir, upload, quota));
  }

  async getUpload(id: string, hash: string): Promise<StoredUpload | null> {
    this.checkOpen();
    const dir = this.docDir(id);
    if (this.deleted.has(id)) return null;
    return readUploadFile(dir, hash);
  }

  /** Directories with a meta.json and a valid id; strangers (and creates that crashed) are skipped. */
  async *listIds(): AsyncIterable<string> {
    this.checkOpen();
    let names: string[];
    try {
      names = await readdir(this.docsDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const name of names.sort()) {
      if (isValidDocId(name) && (await metaFileExists(join(this.docsDir, name)))) yield name;
    }
  }

  async flush(id?: string): Promise<void> {
    this.checkOpen();
    if (id !== undefined) this.docDir(id);
    const targets = id === undefined ? [...this.entries.values()] : [this.entries.get(id)];
    await Promise.all(
      targets.map(async (entry) => {
        if (!entry) return;
        await entry.queue.barrier();
        await entry.lock.run(() => entry.syncLog());
        await entry.history.flush();
      }),
    );
  }

  async release(id: string): Promise<void> {
    this.checkOpen();
    this.docDir(id);
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.users++;
    try {
      await entry.release();
    } finally {
      entry.users--;
      this.maybeForget(entry);
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.groupFsync.stop();
      const results = await Promise.allSettled([...this.entries.values()].map((entry) => entry.release()));
      this.entries.clear();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return this.closed;
  }

  /** The only place a path is built from an id (D7). */
  private docDir(id: string): string {
    assertValidDocId(id);
    const dir = join(this.docsDir, id);
    if (dirname(dir) !== this.docsDir) throw new Error(`refusing document path ${dir}`);
    return dir;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private entryFor(id: string): DocEntry {
    // An entry exists only for an id `docDir` accepted: checked once per open document, not on every append.
    let entry = this.entries.get(id);
    if (!entry) {
      entry = new DocEntry(id, this.docDir(id), this.ctx);
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** `withEntry` for a write: refused with UnknownDocError once the document is deleted [DEL1]. */
  private withLiveEntry<T>(id: string, fn: (entry: DocEntry) => Promise<T>): Promise<T> {
    return this.withEntry(id, (entry) => {
      if (this.deleted.has(id)) throw new UnknownDocError(id);
      return fn(entry);
    });
  }

  /** Queues one record for a document's log or history (group commit, see append-queue.ts). */
  private enqueue(
    id: string,
    records: Records,
    what: string,
    push: (entry: DocEntry, records: Buffer[]) => Promise<void>,
  ): Promise<void> {
    let entry: DocEntry;
    const list = recordList(records);
    try {
      this.checkOpen();
      entry = this.entryFor(id);
      if (this.deleted.has(id)) throw new UnknownDocError(id);
      for (const bytes of list) {
        if (bytes.byteLength === 0 || bytes.byteLength > MAX_RECORD_BYTES) {
          throw new RangeError(`cannot append a ${what} of ${bytes.byteLength} bytes`);
        }
      }
    } catch (err) {
      return Promise.reject(err);
    }
    if (list.length === 0) return Promise.resolve();
    entry.users++;
    // Encoded now, which copies them: the caller may reuse its buffers before the batch is written.
    return push(entry, list.map(encodeRecord)).finally(() => {
      entry.users--;
      this.maybeForget(entry);
    });
  }

  /** Runs `fn` as one operation on the document's entry (validating the id first). */
  private async withEntry<T>(id: string, fn: (entry: DocEntry) => Promise<T>): Promise<T> {
    this.checkOpen();
    const entry = this.entryFor(id);
    entry.users++;
    try {
      return await fn(entry);
    } finally {
      entry.users--;
      this.maybeForget(entry);
    }
  }

  private maybeForget(entry: DocEntry): void {
    if (entry.idle && this.entries.get(entry.id) === entry) {
      this.entries.delete(entry.id);
    }
  }

  /** A directory without meta.json is a create that crashed before its rename; nothing in it is ours. */
  private async removeOrphans(entry: DocEntry): Promise<void> {
    const orphans = (await readdir(entry.dir)).filter((n) => n !== META_FILE && n !== `${META_FILE}.tmp`);
    if (orphans.length === 0) return;
    this.logger.warn({ docId: entry.id, files: orphans }, 'removing files of a document that was never created');
    for (const name of orphans) await unlinkIfPresent(join(entry.dir, name));
  }
}
