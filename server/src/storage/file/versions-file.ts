/**
 * A document's versions [HI4][D8]: `versions.log`, an append-only file of log records (log-format.ts) whose
 * payloads are puts and deletes (version-record.ts). Every put and delete is written and fdatasync'ed before
 * it resolves, so a crash leaves each version either fully there or absent: a record torn by a crash belongs
 * to an operation that never resolved, and is cut back on the next scan like a torn log tail [D4].
 *
 * Reading replays the records in file order: a put of a new id adds it at the end of the put order, a put of
 * a known id replaces it in place, a delete removes. The replay is kept in memory as an index (id → where its
 * record lies), so `get` reads one record and `list` reads the file once.
 *
 * Replaced and deleted versions stay in the file as dead bytes until they outweigh the live ones (and
 * REWRITE_MIN_DEAD_BYTES): then the live records are copied, in put order, to `versions.log.tmp`, which is
 * fsynced and renamed over the file (and the directory fsynced) — a crash leaves the old file or the new one,
 * and a leftover temp file is removed on the next scan. Version ids never reach a path: there is one file.
 */
import { constants as fsConstants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UnknownDocError, type StoredVersion, type StoreLogger } from '../doc-store.js';
import { fsyncDir, isErrno, Mutex, readFileOrNull, writeAll, writeFileAtomic, type StoreIo } from './fs-util.js';
import { decodeLog, encodeRecord, RECORD_HEADER_BYTES } from './log-format.js';
import { metaFileExists } from './meta-file.js';
import { truncateFile, unlinkIfPresent } from './recovery.js';
import { decodeVersionRecord, encodeVersionDelete, encodeVersionPut, type VersionRecord } from './version-record.js';

export const VERSIONS_FILE = 'versions.log';
/** Rewriting copies every live snapshot, so it waits until there is something worth reclaiming. */
export const REWRITE_MIN_DEAD_BYTES = 1024 * 1024;

/** Where a live version's put record lies in the file. */
interface IndexedVersion {
  offset: number;
  /** Header included. */
  length: number;
}

interface VersionsIndex {
  /** Live versions in put order (a Map keeps the place of a key that is set again: replace in place). */
  versions: Map<string, IndexedVersion>;
  /** Valid length of the file: the next record goes here. */
  size: number;
  /** Bytes of the live versions' records; the rest of `size` is dead. */
  liveBytes: number;
}

/** The stored versions of one document. Every method takes the file's lock, so they run one at a time. */
export class VersionsFile {
  private readonly lock = new Mutex();
  private readonly path: string;
  /** The replayed file, known once scanned; null again when it may no longer match the file. */
  private index: VersionsIndex | null = null;

  constructor(
    readonly id: string,
    private readonly dir: string,
    private readonly ctx: { io: StoreIo; logger: StoreLogger },
  ) {
    this.path = join(dir, VERSIONS_FILE);
  }

  /** Stores `version` durably, replacing one with the same id. Rejects with UnknownDocError. */
  put(version: StoredVersion): Promise<void> {
    return this.lock.run(async () => {
      const index = await this.ensureIndex();
      if (!index) throw new UnknownDocError(this.id);
      const at = await this.appendRecord(index, encodeVersionPut(version));
      const previous = index.versions.get(version.id);
      if (previous) index.liveBytes -= previous.length;
      index.versions.set(version.id, at);
      index.liveBytes += at.length;
      await this.maybeRewrite(index);
    });
  }

  /** Removes the versions with these ids, durably; unknown ids (and unknown documents) are ignored. */
  delete(ids: readonly string[]): Promise<void> {
    return this.lock.run(async () => {
      const index = await this.ensureIndex();
      if (!index) return;
      const present = [...new Set(ids)].filter((id) => index.versions.has(id));
      if (present.length === 0) return;
      await this.appendRecord(index, encodeVersionDelete(present));
      for (const id of present) {
        index.liveBytes -= index.versions.get(id)!.length;
        index.versions.delete(id);
      }
      await this.maybeRewrite(index);
    });
  }

  /** Every version, oldest first: by `createdAt`, equal ones in put order. */
  list(): Promise<StoredVersion[]> {
    return this.lock.run(async () => {
      const index = await this.ensureIndex();
      if (!index || index.versions.size === 0) return [];
      const bytes = await readFile(this.path);
      const versions: StoredVersion[] = [];
      for (const [id, at] of index.versions) {
        const version = this.decodeAt(id, bytes.subarray(at.offset, at.offset + at.length));
        if (version) versions.push(version);
      }
      // Array.prototype.sort is stable: equal timestamps keep put order.
      return versions.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    });
  }

  /** One version, or null. `versionId` must already have passed VERSION_ID_PATTERN. */
  get(versionId: string): Promise<StoredVersion | null> {
    return this.lock.run(async () => {
      const at = (await this.ensureIndex())?.versions.get(versionId);
      if (!at) return null;
      const handle = await open(this.path, fsConstants.O_RDONLY);
      try {
        const bytes = Buffer.alloc(at.length);
        const { bytesRead } = await handle.read(bytes, 0, at.length, at.offset);
        return this.decodeAt(versionId, bytes.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    });
  }

  /** Forgets the index (it is rebuilt on next use); nothing is held open between operations. */
  release(): Promise<void> {
    return this.lock.run(async () => {
      this.index = null;
    });
  }

  /** One put record read back; null (and a warning) if the bytes no longer check out. */
  private decodeAt(versionId: string, bytes: Uint8Array): StoredVersion | null {
    const decoded = decodeLog(bytes);
    const record = decoded.records.length === 1 && decoded.droppedBytes === 0 ? decodeVersionRecord(decoded.records[0]!) : null;
    if (record?.type === 'put' && record.version.id === versionId) return record.version;
    this.ctx.logger.warn({ docId: this.id, file: VERSIONS_FILE, versionId, problem: decoded.problem }, 'stored version unreadable; left out');
    return null;
  }

  /** The index, scanning (and repairing) the file first if needed; null when the document does not exist. */
  private async ensureIndex(): Promise<VersionsIndex | null> {
    if (this.index) return this.index;
    if (!(await metaFileExists(this.dir))) return null;
    // A rewrite cut short by a crash; none of ours is running (we hold the lock).
    await unlinkIfPresent(`${this.path}.tmp`);
    const index: VersionsIndex = { versions: new Map(), size: 0, liveBytes: 0 };
    const bytes = await readFileOrNull(this.path);
    if (bytes) {
      const decoded = decodeLog(bytes);
      if (decoded.droppedBytes > 0) {
        this.ctx.logger.warn(
          { docId: this.id, file: VERSIONS_FILE, droppedBytes: decoded.droppedBytes, keptRecords: decoded.records.length, problem: decoded.problem },
          'torn or corrupt versions tail dropped; keeping the valid prefix',
        );
        await truncateFile(this.path, decoded.validBytes);
      }
      let offset = 0;
      for (const payload of decoded.records) {
        const length = RECORD_HEADER_BYTES + payload.byteLength;
        const record = decodeVersionRecord(payload);
        if (record) replay(index, record, { offset, length });
        else this.ctx.logger.warn({ docId: this.id, file: VERSIONS_FILE, offset }, 'unreadable version record skipped');
        offset += length;
      }
      index.size = decoded.validBytes;
    }
    this.index = index;
    return index;
  }

  /** Appends one record and fdatasyncs it; on failure the file is cut back (or the index dropped). */
  private async appendRecord(index: VersionsIndex, payload: Buffer[]): Promise<IndexedVersion> {
    const record = encodeRecord(Buffer.concat(payload));
    const { handle, created } = await openForAppend(this.path);
    const file = { handle, path: this.path };
    const offset = index.size;
    try {
      if (created) await fsyncDir(this.dir);
      const length = await writeAll(this.ctx.io, file, [record], offset);
      await this.ctx.io.datasync(file);
      index.size = offset + length;
      return { offset, length };
    } catch (err) {
      this.ctx.logger.error({ docId: this.id, file: VERSIONS_FILE, err }, 'versions write failed');
      // Cut back now if we can; if not, the next operation re-scans and cuts the torn record then.
      await handle.truncate(offset).catch(() => (this.index = null));
      throw err;
    } finally {
      await handle.close();
    }
  }

  /** Copies the live records to a fresh file once dead bytes outweigh them (see the top of this file). */
  private async maybeRewrite(index: VersionsIndex): Promise<void> {
    const dead = index.size - index.liveBytes;
    if (dead < REWRITE_MIN_DEAD_BYTES || dead <= index.liveBytes) return;
    try {
      const bytes = await readFile(this.path);
      const kept: Buffer[] = [];
      const moved = new Map<string, IndexedVersion>();
      let offset = 0;
      for (const [id, at] of index.versions) {
        kept.push(bytes.subarray(at.offset, at.offset + at.length));
        moved.set(id, { offset, length: at.length });
        offset += at.length;
      }
      await writeFileAtomic(this.ctx.io, this.dir, this.path, kept);
      this.index = { versions: moved, size: offset, liveBytes: offset };
      this.ctx.logger.info({ docId: this.id, droppedBytes: dead, keptBytes: offset }, 'versions file rewritten');
    } catch (err) {
      // The put or delete itself is durable; only the space is not reclaimed yet. Which file is in place is
      // unknown after a failed rename or directory fsync, so the next operation re-scans.
      this.index = null;
      await unlinkIfPresent(`${this.path}.tmp`).catch(() => undefined);
      this.ctx.logger.warn({ docId: this.id, err }, 'versions file rewrite failed; will retry after a later change');
    }
  }
}

/** Applies one record to the index being rebuilt. */
function replay(index: VersionsIndex, record: VersionRecord, at: IndexedVersion): void {
  const ids = record.type === 'put' ? [record.version.id] : record.ids;
  for (const id of ids) {
    const previous = index.versions.get(id);
    if (previous) index.liveBytes -= previous.length;
    if (record.type === 'delete') index.versions.delete(id);
  }
  if (record.type === 'put') {
    index.versions.set(record.version.id, at);
    index.liveBytes += at.length;
  }
}

/** Opens `path` for positioned writes, creating it if missing (the caller then fsyncs the directory). */
async function openForAppend(path: string): Promise<{ handle: FileHandle; created: boolean }> {
  try {
    return { handle: await open(path, fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644), created: true };
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
    return { handle: await open(path, fsConstants.O_RDWR), created: false };
  }
}
