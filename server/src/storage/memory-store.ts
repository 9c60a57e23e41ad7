/**
 * An in-memory `DocStore` for fast room tests. Same contract as the file store, no durability. Pass the same
 * `MemoryStoreData` to several stores to simulate a restart (close one, create another over the same data).
 */
import {
  assertValidDocId,
  assertUploadFits,
  assertValidUpload,
  DocExistsError,
  StoreClosedError,
  UnknownDocError,
  type DocMeta,
  type DocStore,
  recordList,
  type StoredUpload,
  type StoredVersion,
  UPLOAD_HASH_PATTERN,
  VERSION_ID_PATTERN,
} from './doc-store.js';

interface MemoryDoc {
  meta: DocMeta;
  snapshot: Uint8Array | null;
  log: Uint8Array[];
  history: Uint8Array[];
  versions: StoredVersion[];
  uploads: Map<string, StoredUpload>;
}

const copyVersion = (v: StoredVersion): StoredVersion => ({ ...v, authors: v.authors.map((a) => ({ ...a })), snapshot: v.snapshot.slice() });

/** The backing data of memory stores; opaque. */
export type MemoryStoreData = Map<string, MemoryDoc>;

export function createMemoryStoreData(): MemoryStoreData {
  return new Map();
}

export function createMemoryStore(data: MemoryStoreData = createMemoryStoreData()): DocStore {
  let closed = false;
  /** Ids deleted through this store: a create with one is refused [DEL1]. */
  const deleted = new Set<string>();

  /** Validates the id and the store state; every method starts here. */
  function check(id: string): void {
    if (closed) throw new StoreClosedError();
    assertValidDocId(id);
  }

  function existing(id: string): MemoryDoc {
    const doc = data.get(id);
    if (!doc) throw new UnknownDocError(id);
    return doc;
  }

  return {
    async create(meta) {
      check(meta.id);
      if (data.has(meta.id) || deleted.has(meta.id)) throw new DocExistsError(meta.id);
      data.set(meta.id, { meta: { ...meta }, snapshot: null, log: [], history: [], versions: [], uploads: new Map() });
    },
    async getMeta(id) {
      check(id);
      const doc = data.get(id);
      return doc ? { ...doc.meta } : null;
    },
    async putMeta(meta) {
      check(meta.id);
      existing(meta.id).meta = { ...meta };
    },
    async load(id) {
      check(id);
      const doc = data.get(id);
      if (!doc) return null;
      const log = doc.log.map((u) => u.slice());
      return {
        snapshot: doc.snapshot ? doc.snapshot.slice() : null,
        log,
        logBytes: log.reduce((sum, u) => sum + u.byteLength, 0),
      };
    },
    async append(id, updates) {
      check(id);
      const list = recordList(updates);
      if (list.some((u) => u.byteLength === 0)) throw new RangeError('cannot append an empty update');
      const { log } = existing(id);
      for (const u of list) log.push(u.slice());
    },
    async compact(id, snapshot) {
      check(id);
      const doc = existing(id);
      doc.snapshot = snapshot().slice();
      doc.log = [];
    },
    async appendHistory(id, entries) {
      check(id);
      const list = recordList(entries);
      if (list.some((e) => e.byteLength === 0)) throw new RangeError('cannot append an empty history entry');
      const { history } = existing(id);
      for (const e of list) history.push(e.slice());
    },
    async readHistory(id) {
      check(id);
      return (data.get(id)?.history ?? []).map((e) => e.slice());
    },
    async putVersion(id, version) {
      check(id);
      if (!VERSION_ID_PATTERN.test(version.id)) throw new RangeError('invalid version id');
      const doc = existing(id);
      const at = doc.versions.findIndex((v) => v.id === version.id);
      if (at >= 0) doc.versions[at] = copyVersion(version);
      else doc.versions.push(copyVersion(version));
    },
    async listVersions(id) {
      check(id);
      const versions = (data.get(id)?.versions ?? []).map(copyVersion);
      // Stable sort: equal timestamps stay in put order.
      return versions.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },
    async getVersion(id, versionId) {
      check(id);
      if (!VERSION_ID_PATTERN.test(versionId)) return null;
      const found = data.get(id)?.versions.find((v) => v.id === versionId);
      return found ? copyVersion(found) : null;
    },
    async deleteVersions(id, versionIds) {
      check(id);
      const doc = data.get(id);
      if (!doc) return;
      const drop = new Set(versionIds);
      doc.versions = doc.versions.filter((v) => !drop.has(v.id));
    },
    async delete(id) {
      check(id);
      existing(id);
      deleted.add(id);
      data.delete(id);
    },
    async putUpload(id, upload, quota) {
      check(id);
      assertValidUpload(upload);
      const doc = existing(id);
      if (doc.uploads.has(upload.hash)) return false;
      // [UP9] Synchronous from the check to the set: nothing can interleave.
      let bytes = 0;
      for (const stored of doc.uploads.values()) bytes += stored.bytes.byteLength;
      assertUploadFits(id, { files: doc.uploads.size, bytes }, upload.bytes.byteLength, quota);
      doc.uploads.set(upload.hash, { hash: upload.hash, type: upload.type, bytes: upload.bytes.slice() });
      return true;
    },
    async getUpload(id, hash) {
      check(id);
      if (!UPLOAD_HASH_PATTERN.test(hash)) return null;
      const found = data.get(id)?.uploads.get(hash);
      return found ? { ...found, bytes: found.bytes.slice() } : null;
    },
    async *listIds() {
      if (closed) throw new StoreClosedError();
      yield* [...data.keys()];
    },
    async flush(id) {
      if (closed) throw new StoreClosedError();
      if (id !== undefined) assertValidDocId(id);
    },
    async release(id) {
      check(id);
    },
    async close() {
      closed = true;
    },
  };
}
