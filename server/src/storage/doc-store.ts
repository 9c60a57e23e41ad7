import { createHash } from 'node:crypto';
import { isValidDocId } from '@tandem/common';

/**
 * The one storage boundary the rooms talk to. Every implementation (file/, pg/, memory-store.ts) must pass
 * the contract suite in `test/storage/contract.ts`.
 *
 * Document ids reaching a store have already been validated by `isValidDocId`, but stores check again:
 * a store never builds a path or key from an id it has not checked itself.
 */

/** The logging a store needs: pino-compatible (a pino logger fits), silent in tests. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A `StoreLogger` that drops everything: the default when a store is given none. */
export const silentLogger: StoreLogger = { info() {}, warn() {}, error() {} };

/** What we know about a document besides its content. */
export interface DocMeta {
  id: string;
  /** ISO-8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  /** Share-link generation: tokens minted for an older generation no longer open the document. */
  linkGeneration: number;
}

/** A document's stored history, in the order it must be applied. */
export interface StoredDoc {
  /** The compacted state (a Yjs update), or null when the document was never compacted. */
  snapshot: Uint8Array | null;
  /** Updates appended since that snapshot, oldest first. Applying them twice is harmless (Yjs is idempotent). */
  log: Uint8Array[];
  /** Total bytes of `log` payloads, so callers can decide when to compact. */
  logBytes: number;
}

/**
 * A version as stored [HI4]. The store keeps it as given; what the fields mean is the history module's
 * business. `snapshot` is a Yjs snapshot (`Y.encodeSnapshot`): state vector + delete set.
 */
export interface StoredVersion {
  /** URL-safe, unique within the document (`VERSION_ID_PATTERN`). */
  id: string;
  /** ISO-8601. */
  createdAt: string;
  name: string | null;
  kind: 'auto' | 'named' | 'restore';
  /** Who changed what since the version before: names and colours, plus sizes (see `VersionInfo`). */
  authors: { name: string; color: string | null }[];
  inserted: number;
  deleted: number;
  /** How many history entries the document had when the version was made. */
  changes: number;
  snapshot: Uint8Array;
}

/** One record to append, or several of the same document, written in order with one promise for all [L11]. */
export type Records = Uint8Array | readonly Uint8Array[];

/** `records` as a list (a single record becomes a list of one). */
export function recordList(records: Records): readonly Uint8Array[] {
  return records instanceof Uint8Array ? [records] : records;
}

/** Version ids the stores accept: checked before any path or query is built from one. */
export const VERSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * [UP] An uploaded file, stored under its content address: `hash` is the lower-case hex sha256 of `bytes`.
 * `type` is the media type the server sniffed (never the client's claim); the store keeps it as given.
 */
export interface StoredUpload {
  hash: string;
  type: string;
  bytes: Uint8Array;
}

/** Upload hashes the stores accept (sha256, lower-case hex): checked before any path or query is built. */
export const UPLOAD_HASH_PATTERN = /^[0-9a-f]{64}$/;
/** Media types the stores accept: a plain `type/subtype`, nothing that could break a header or a file. */
export const UPLOAD_TYPE_PATTERN = /^[a-z]+\/[a-z0-9.+-]{1,64}$/;

/** [UP9] The most one document may hold in uploads: distinct images, and their bytes summed. */
export interface UploadQuota {
  maxFiles: number;
  maxBytes: number;
}

/** [UP9] What a document holds in uploads now. */
export interface UploadUsage {
  files: number;
  bytes: number;
}

/** [UP9] Throws `UploadQuotaError` when adding an upload of `size` bytes to `usage` would exceed `quota`. */
export function assertUploadFits(docId: string, usage: UploadUsage, size: number, quota: UploadQuota | undefined): void {
  if (!quota) return;
  if (usage.files + 1 > quota.maxFiles || usage.bytes + size > quota.maxBytes) throw new UploadQuotaError(docId, quota);
}

export interface DocStore {
  /** Records a new document. Rejects with `DocExistsError` if the id is taken. */
  create(meta: DocMeta): Promise<void>;
  /** The document's metadata, or null when the document does not exist. */
  getMeta(id: string): Promise<DocMeta | null>;
  /** Replaces the metadata of an existing document. Rejects with `UnknownDocError` if it does not exist. */
  putMeta(meta: DocMeta): Promise<void>;
  /** Everything stored for the document, or null when the document does not exist. */
  load(id: string): Promise<StoredDoc | null>;
  /**
   * Appends one update to the document's log, or several in order (one promise for all: what a room's write
   * path hands over per batch, so a flood costs one promise per batch, not per update) [L11]. Resolves once
   * the bytes are written to the operating system, so a process crash (SIGKILL) cannot lose them; an fsync
   * follows within the configured group-commit interval. Appends of one document resolve in the order they
   * were called. Rejects on I/O errors, in which case nothing may be acknowledged to peers; a rejected
   * batch may have been written in part, which is harmless (applying an update twice changes nothing).
   */
  append(id: string, updates: Records): Promise<void>;
  /**
   * Folds the log into a new snapshot. `snapshot` is called synchronously at the moment the log is cut and
   * must return a state that covers every update appended before that moment; updates appended while the
   * compaction runs are kept. Crash-safe at every step.
   */
  compact(id: string, snapshot: () => Uint8Array): Promise<void>;
  /**
   * [HI2] Appends one history entry (opaque bytes: who made one update, when, and what it changed), or
   * several in order. Entries are never compacted away. Same guarantees as `append`: written to the OS when
   * it resolves, in call order per document, fsynced with the group commit.
   */
  appendHistory(id: string, entries: Records): Promise<void>;
  /** Every history entry of the document, oldest first; [] when none (or unknown document). */
  readHistory(id: string): Promise<Uint8Array[]>;
  /**
   * [HI4] Stores a version, durably (fsynced) when it resolves. Rejects with `UnknownDocError` if the
   * document does not exist. Putting an id that exists replaces that version.
   */
  putVersion(id: string, version: StoredVersion): Promise<void>;
  /** Every version of the document, oldest first (by `createdAt`, then in put order); [] when none. */
  listVersions(id: string): Promise<StoredVersion[]>;
  /** One version, or null when there is none with that id (an id failing `VERSION_ID_PATTERN` included). */
  getVersion(id: string, versionId: string): Promise<StoredVersion | null>;
  /** Removes versions (retention); ids that do not exist are ignored. Durable when it resolves. */
  deleteVersions(id: string, versionIds: string[]): Promise<void>;
  /**
   * [DEL1] Deletes the document and everything stored for it (metadata, log, snapshots, history, versions,
   * uploads). Durable when it resolves: from then on the document does not exist (getMeta and load return
   * null, writes reject with `UnknownDocError`) and never comes back, whatever the process does next; what
   * is left of it is only a recovery marker, cleared once its files are gone. A write racing the delete
   * either lands before it (and is deleted with it) or is rejected. A `create` with the id is refused from
   * then on (`DocExistsError`). Rejects with `UnknownDocError` if the document does not exist.
   */
  delete(id: string): Promise<void>;
  /**
   * [UP4] Stores an upload of the document under its hash, durably when it resolves. Resolves true when
   * it was stored now, false when the document already held that hash (nothing is written then). Rejects
   * with `UnknownDocError` if the document does not exist, with `RangeError` if the hash is not the
   * sha256 of the bytes or the type is malformed.
   * [UP9] With `quota`, rejects with `UploadQuotaError` (storing nothing) when one more upload would take the
   * document past it; the check and the write are one atomic step per document, so racing puts cannot
   * overshoot. A hash the document already holds is free: it resolves false whatever the usage.
   */
  putUpload(id: string, upload: StoredUpload, quota?: UploadQuota): Promise<boolean>;
  /** One upload of the document, or null (unknown document, or a hash failing `UPLOAD_HASH_PATTERN`). */
  getUpload(id: string, hash: string): Promise<StoredUpload | null>;
  /**
   * Every existing document's id, in no promised order (the CLI's backup, fsck and migrate walk them). A
   * document created while the iteration runs may or may not be listed.
   */
  listIds(): AsyncIterable<string>;
  /** Makes every write so far durable (fsync) — used before unload and on shutdown. */
  flush(id?: string): Promise<void>;
  /** Flushes and frees what the store holds open for this document (file handles, buffers). */
  release(id: string): Promise<void>;
  /** Flushes everything and frees all resources; the store is unusable afterwards. */
  close(): Promise<void>;
}

export class DocExistsError extends Error {
  constructor(readonly docId: string) {
    super(`document ${docId} already exists`);
    this.name = 'DocExistsError';
  }
}

export class UnknownDocError extends Error {
  constructor(readonly docId: string) {
    super(`document ${docId} does not exist`);
    this.name = 'UnknownDocError';
  }
}

/** [UP9] A document's uploads are full: one more would pass `UPLOAD_DOC_MAX_FILES` or `UPLOAD_DOC_MAX_BYTES`. */
export class UploadQuotaError extends Error {
  constructor(
    readonly docId: string,
    readonly quota: UploadQuota,
  ) {
    super(`document ${docId} holds as many uploads as it may (${quota.maxFiles} images, ${quota.maxBytes} bytes)`);
    this.name = 'UploadQuotaError';
  }
}

/**
 * Thrown (as a rejection) by every store method handed an id that fails `isValidDocId` — before the store
 * touches the file system or database with it.
 */
export class InvalidDocIdError extends Error {
  constructor(readonly docId: string) {
    super(`invalid document id ${JSON.stringify(docId.length > 80 ? `${docId.slice(0, 80)}…` : docId)}`);
    this.name = 'InvalidDocIdError';
  }
}

/** Thrown (as a rejection) by every method of a store after `close()`. */
export class StoreClosedError extends Error {
  constructor() {
    super('the document store is closed');
    this.name = 'StoreClosedError';
  }
}

/** The id shape lives in `@tandem/common` (the editor checks the same); re-exported for existing importers. */
export { isValidDocId };

/** Throws `RangeError` unless `upload` is well formed and `hash` is the sha256 of its bytes. */
export function assertValidUpload(upload: StoredUpload): void {
  if (!UPLOAD_HASH_PATTERN.test(upload.hash)) throw new RangeError('invalid upload hash');
  if (!UPLOAD_TYPE_PATTERN.test(upload.type)) throw new RangeError('invalid upload type');
  if (upload.bytes.byteLength === 0) throw new RangeError('cannot store an empty upload');
  if (sha256Hex(upload.bytes) !== upload.hash) throw new RangeError('upload hash does not match its bytes');
}

/** Lower-case hex sha256: the content address of an upload. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws `InvalidDocIdError` unless `id` is a valid document id. */
export function assertValidDocId(id: string): void {
  if (typeof id !== 'string' || !isValidDocId(id)) throw new InvalidDocIdError(String(id));
}
