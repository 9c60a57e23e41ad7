/**
 * The DocStore contract for uploads [UP4]; `describeDocStoreContract` runs it for every engine.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidDocIdError,
  sha256Hex,
  StoreClosedError,
  UnknownDocError,
  type DocStore,
  type StoredUpload,
} from '../../src/storage/doc-store.js';
import type { StoreHarness } from './contract.js';
import { makeMeta, newDocId } from './helpers.js';

/** An upload of `size` random bytes, addressed by their sha256. */
export function makeUpload(size = 300, type = 'image/png'): StoredUpload {
  const bytes = new Uint8Array(randomBytes(size));
  return { hash: sha256Hex(bytes), type, bytes };
}

export function describeUploadContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`DocStore upload contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: DocStore;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    async function newDoc(): Promise<string> {
      const id = newDocId();
      await store.create(makeMeta(id));
      return id;
    }

    it('[UP4] an upload reads back with its type and bytes, also after reopen', async () => {
      const id = await newDoc();
      const jpeg = makeUpload(70_000, 'image/jpeg');
      expect(await store.putUpload(id, jpeg)).toBe(true);
      expect(await store.getUpload(id, jpeg.hash)).toEqual(jpeg);
      store = await harness.reopen();
      expect(await store.getUpload(id, jpeg.hash)).toEqual(jpeg);
    });

    it('[UP4] the same bytes put twice are stored once: the second put reports nothing new', async () => {
      const id = await newDoc();
      const png = makeUpload();
      expect(await store.putUpload(id, png)).toBe(true);
      expect(await store.putUpload(id, { ...png, bytes: png.bytes.slice() })).toBe(false);
      expect(await store.getUpload(id, png.hash)).toEqual(png);
    });

    it('[UP4] puts of the same bytes racing each other store it once: exactly one reports it new', async () => {
      const id = await newDoc();
      const png = makeUpload(20_000);
      const results = await Promise.all(Array.from({ length: 6 }, () => store.putUpload(id, png)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.getUpload(id, png.hash)).toEqual(png);
    });

    it('[UP4] uploads belong to one document: another document does not have them', async () => {
      const a = await newDoc();
      const b = await newDoc();
      const png = makeUpload();
      await store.putUpload(a, png);
      expect(await store.getUpload(b, png.hash)).toBeNull();
      // The same bytes in another document are that document's own copy.
      expect(await store.putUpload(b, png)).toBe(true);
      expect(await store.getUpload(b, png.hash)).toEqual(png);
    });

    it('[UP4] an unknown hash, a malformed hash or an unknown document reads as null', async () => {
      const id = await newDoc();
      await store.putUpload(id, makeUpload());
      expect(await store.getUpload(id, sha256Hex(new Uint8Array([1, 2, 3])))).toBeNull();
      for (const hash of ['', '../meta.json', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}.tmp`, '..', 'a/b']) {
        expect(await store.getUpload(id, hash)).toBeNull();
      }
      expect(await store.getUpload(newDocId(), makeUpload().hash)).toBeNull();
    });

    it('[UP4] a put to an unknown document is rejected and creates nothing', async () => {
      const id = newDocId();
      await expect(store.putUpload(id, makeUpload())).rejects.toBeInstanceOf(UnknownDocError);
      expect(await store.getMeta(id)).toBeNull();
      expect(await store.load(id)).toBeNull();
    });

    it('[UP4] a hash that is not the sha256 of the bytes, a bad type or empty bytes are refused and store nothing', async () => {
      const id = await newDoc();
      const png = makeUpload();
      const other = makeUpload();
      await expect(store.putUpload(id, { ...png, hash: other.hash })).rejects.toBeInstanceOf(RangeError);
      await expect(store.putUpload(id, { ...png, hash: '../../x' })).rejects.toBeInstanceOf(RangeError);
      await expect(store.putUpload(id, { ...png, type: 'image/png\r\nX-Evil: 1' })).rejects.toBeInstanceOf(RangeError);
      const empty = new Uint8Array(0);
      await expect(store.putUpload(id, { hash: sha256Hex(empty), type: 'image/png', bytes: empty })).rejects.toBeInstanceOf(RangeError);
      expect(await store.getUpload(id, other.hash)).toBeNull();
      expect(await store.getUpload(id, png.hash)).toBeNull();
    });

    it('[D7] upload methods validate the document id first', async () => {
      await expect(store.putUpload('../x', makeUpload())).rejects.toBeInstanceOf(InvalidDocIdError);
      await expect(store.getUpload('a/b', makeUpload().hash)).rejects.toBeInstanceOf(InvalidDocIdError);
    });

    it('upload methods are refused after close()', async () => {
      const id = await newDoc();
      await store.close();
      await expect(store.putUpload(id, makeUpload())).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.getUpload(id, makeUpload().hash)).rejects.toBeInstanceOf(StoreClosedError);
    });
  });
}
