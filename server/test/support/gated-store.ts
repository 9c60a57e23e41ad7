/**
 * A `DocStore` whose answers the test releases by hand, to see what the server does before storage has
 * answered: appends wait (while `holdAppends` is set) until `releaseAppends()`, loads of the documents named
 * with `holdLoads()` until `releaseLoads()`, metadata writes (while `holdPutMeta` is set) until
 * `releasePutMeta()`. Metadata reads are counted. Everything else goes straight to the wrapped store.
 */
import { recordList, type Records } from '../../src/storage/doc-store.js';
import type { DocMeta, DocStore, StoredDoc, StoredUpload, StoredVersion, UploadQuota } from '../../src/storage/doc-store.js';

export class GatedStore implements DocStore {
  /** While true, appends wait for `releaseAppends()`; otherwise they go straight to the wrapped store. */
  holdAppends: boolean;
  /** Loads of held documents that have reached the gate so far. */
  loadsHeld = 0;
  /** While true, metadata writes wait for `releasePutMeta()`. */
  holdPutMeta = false;
  /** Metadata writes that have reached the gate so far. */
  putMetaHeld = 0;
  /** Calls to `getMeta` so far. */
  metaReads = 0;
  /** Held appends: each passes its records on when released. */
  private heldAppends: { records: number; pass: () => void }[] = [];
  private heldPutMeta: (() => void)[] = [];
  private readonly heldLoadIds = new Set<string>();
  private loadGate: Promise<void> = Promise.resolve();
  private openLoadGate: () => void = () => {};

  constructor(
    readonly inner: DocStore,
    options: { holdAppends?: boolean } = {},
  ) {
    this.holdAppends = options.holdAppends ?? true;
  }

  /** Updates waiting to be released (an append of several counts each). */
  get pendingAppends(): number {
    return this.heldAppends.reduce((sum, held) => sum + held.records, 0);
  }

  /**
   * Passes the held appends (every one, or the first `count` calls) to the wrapped store, in the order they
   * were made. Later appends are held again.
   */
  releaseAppends(count = Infinity): void {
    const held = this.heldAppends.splice(0, count);
    held.forEach((h) => h.pass());
  }

  /** From now on, loads of `id` wait until `releaseLoads()`. */
  holdLoads(id: string): void {
    if (this.heldLoadIds.size === 0) this.loadGate = new Promise((resolve) => (this.openLoadGate = resolve));
    this.heldLoadIds.add(id);
  }

  /** Lets every held load (and later ones) through. */
  releaseLoads(): void {
    this.heldLoadIds.clear();
    this.openLoadGate();
  }

  /** Passes every held metadata write to the wrapped store, in order. */
  releasePutMeta(): void {
    const held = this.heldPutMeta;
    this.heldPutMeta = [];
    held.forEach((pass) => pass());
  }

  append(id: string, updates: Records): Promise<void> {
    if (!this.holdAppends) return this.inner.append(id, updates);
    return new Promise((resolve, reject) => {
      const records = recordList(updates).length;
      this.heldAppends.push({ records, pass: () => void this.inner.append(id, updates).then(resolve, reject) });
    });
  }

  async load(id: string): Promise<StoredDoc | null> {
    if (this.heldLoadIds.has(id)) {
      this.loadsHeld++;
      await this.loadGate;
    }
    return this.inner.load(id);
  }

  create(meta: DocMeta): Promise<void> {
    return this.inner.create(meta);
  }

  getMeta(id: string): Promise<DocMeta | null> {
    this.metaReads++;
    return this.inner.getMeta(id);
  }

  putMeta(meta: DocMeta): Promise<void> {
    if (!this.holdPutMeta) return this.inner.putMeta(meta);
    this.putMetaHeld++;
    return new Promise((resolve, reject) => {
      this.heldPutMeta.push(() => void this.inner.putMeta(meta).then(resolve, reject));
    });
  }

  compact(id: string, snapshot: () => Uint8Array): Promise<void> {
    return this.inner.compact(id, snapshot);
  }

  appendHistory(id: string, entries: Records): Promise<void> {
    return this.inner.appendHistory(id, entries);
  }

  readHistory(id: string): Promise<Uint8Array[]> {
    return this.inner.readHistory(id);
  }

  putVersion(id: string, version: StoredVersion): Promise<void> {
    return this.inner.putVersion(id, version);
  }

  listVersions(id: string): Promise<StoredVersion[]> {
    return this.inner.listVersions(id);
  }

  getVersion(id: string, versionId: string): Promise<StoredVersion | null> {
    return this.inner.getVersion(id, versionId);
  }

  deleteVersions(id: string, versionIds: string[]): Promise<void> {
    return this.inner.deleteVersions(id, versionIds);
  }

  delete(id: string): Promise<void> {
    return this.inner.delete(id);
  }

  putUpload(id: string, upload: StoredUpload, quota?: UploadQuota): Promise<boolean> {
    return this.inner.putUpload(id, upload, quota);
  }

  getUpload(id: string, hash: string): Promise<StoredUpload | null> {
    return this.inner.getUpload(id, hash);
  }

  listIds(): AsyncIterable<string> {
    return this.inner.listIds();
  }

  flush(id?: string): Promise<void> {
    return this.inner.flush(id);
  }

  release(id: string): Promise<void> {
    return this.inner.release(id);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
