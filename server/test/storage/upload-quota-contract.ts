/**
 * The DocStore contract for per-document upload quotas [UP9]; `describeDocStoreContract` runs it for every
 * engine. Racing puts are real concurrent calls on one store (for PostgreSQL: on several pooled connections).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadQuotaError, type DocStore, type StoredUpload } from '../../src/storage/doc-store.js';
import type { StoreHarness } from './contract.js';
import { makeMeta, newDocId } from './helpers.js';
import { makeUpload } from './upload-contract.js';

export function describeUploadQuotaContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`DocStore upload quota contract: ${name}`, () => {
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

    /** How many of `uploads` the document holds. */
    async function held(id: string, uploads: StoredUpload[]): Promise<number> {
      const found = await Promise.all(uploads.map((u) => store.getUpload(id, u.hash)));
      return found.filter((u) => u !== null).length;
    }

    it('[UP9] past UPLOAD_DOC_MAX_FILES a new image is refused and stored nothing; one already held is free', async () => {
      const id = await newDoc();
      const quota = { maxFiles: 2, maxBytes: 1_000_000 };
      const [a, b, c] = [makeUpload(), makeUpload(), makeUpload()];
      expect(await store.putUpload(id, a, quota)).toBe(true);
      expect(await store.putUpload(id, b, quota)).toBe(true);
      await expect(store.putUpload(id, c, quota)).rejects.toBeInstanceOf(UploadQuotaError);
      expect(await store.getUpload(id, c.hash)).toBeNull();
      expect(await store.putUpload(id, { ...a, bytes: a.bytes.slice() }, quota)).toBe(false);
      // Another document has a quota of its own.
      expect(await store.putUpload(await newDoc(), c, quota)).toBe(true);
    });

    it('[UP9] past UPLOAD_DOC_MAX_BYTES a new image is refused; filling it exactly is allowed; counted after reopen', async () => {
      const id = await newDoc();
      const quota = { maxFiles: 100, maxBytes: 1000 };
      const [big, tooMuch, rest] = [makeUpload(600), makeUpload(401), makeUpload(400)];
      expect(await store.putUpload(id, big, quota)).toBe(true);
      await expect(store.putUpload(id, tooMuch, quota)).rejects.toBeInstanceOf(UploadQuotaError);
      store = await harness.reopen();
      await expect(store.putUpload(id, tooMuch, quota)).rejects.toBeInstanceOf(UploadQuotaError);
      expect(await store.putUpload(id, rest, quota)).toBe(true);
      expect(await store.putUpload(id, big, quota)).toBe(false);
      expect(await held(id, [big, tooMuch, rest])).toBe(2);
    });

    it('[UP9] puts racing for the last slots never overshoot: exactly as many as fit are stored', async () => {
      const id = await newDoc();
      const quota = { maxFiles: 3, maxBytes: 1_000_000 };
      await store.putUpload(id, makeUpload(), quota);
      const racers = Array.from({ length: 8 }, () => makeUpload(5_000));
      const results = await Promise.allSettled(racers.map((u) => store.putUpload(id, u, quota)));
      expect(results.filter((r) => r.status === 'fulfilled' && r.value === true)).toHaveLength(2);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).toHaveLength(6);
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UploadQuotaError);
      expect(await held(id, racers)).toBe(2);
    });

    it('[UP9] puts racing for the last bytes never overshoot', async () => {
      const id = await newDoc();
      const quota = { maxFiles: 100, maxBytes: 10_000 };
      const racers = Array.from({ length: 6 }, () => makeUpload(4_000));
      const results = await Promise.allSettled(racers.map((u) => store.putUpload(id, u, quota)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect(await held(id, racers)).toBe(2);
    });

    it('[UP9] the same bytes racing for the last slot all succeed, stored once', async () => {
      const id = await newDoc();
      const quota = { maxFiles: 1, maxBytes: 1_000_000 };
      const png = makeUpload(5_000);
      const results = await Promise.all(Array.from({ length: 5 }, () => store.putUpload(id, png, quota)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.getUpload(id, png.hash)).toEqual(png);
      await expect(store.putUpload(id, makeUpload(), quota)).rejects.toBeInstanceOf(UploadQuotaError);
    });
  });
}
