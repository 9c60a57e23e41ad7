/**
 * [DEL1] The delete part of the DocStore contract, run by `describeDocStoreContract` against every store.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocExistsError, UnknownDocError, type DocStore } from '../../src/storage/doc-store.js';
import type { StoreHarness } from './contract.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild } from './helpers.js';
import { historyEntry, makeVersion } from './history-contract.js';
import { makePng } from '../support/images.js';

/** A real PNG as the stores keep it: named by its sha256 [UP4]. */
const IMAGE = (() => {
  const bytes = makePng(4, 3);
  return { hash: createHash('sha256').update(bytes).digest('hex'), type: 'image/png', bytes };
})();

/** Expects every read of `id` to find nothing and every write to be refused. */
export async function expectGone(store: DocStore, id: string): Promise<void> {
  expect(await store.getMeta(id)).toBeNull();
  expect(await store.load(id)).toBeNull();
  expect(await store.readHistory(id)).toEqual([]);
  expect(await store.listVersions(id)).toEqual([]);
  expect(await store.getVersion(id, 'v1')).toBeNull();
  expect(await store.getUpload(id, IMAGE.hash)).toBeNull();
  await expect(store.putUpload(id, IMAGE)).rejects.toBeInstanceOf(UnknownDocError);
  await expect(store.append(id, new EditingDoc().edit(0))).rejects.toBeInstanceOf(UnknownDocError);
  await expect(store.appendHistory(id, historyEntry(1))).rejects.toBeInstanceOf(UnknownDocError);
  await expect(store.putMeta(makeMeta(id))).rejects.toBeInstanceOf(UnknownDocError);
  await expect(store.putVersion(id, makeVersion('v2', new Date().toISOString()))).rejects.toBeInstanceOf(UnknownDocError);
  await expect(store.compact(id, () => new Uint8Array([0, 0]))).rejects.toBeInstanceOf(UnknownDocError);
}

/** A document with a snapshot, log records after it, history entries, a version and an uploaded image. */
export async function fullDoc(store: DocStore): Promise<{ id: string; editing: EditingDoc }> {
  const id = newDocId();
  await store.create(makeMeta(id));
  const editing = new EditingDoc();
  for (let i = 0; i < 10; i++) await store.append(id, editing.edit(i));
  await store.compact(id, () => editing.snapshot());
  for (let i = 10; i < 15; i++) await store.append(id, editing.edit(i));
  for (let i = 0; i < 5; i++) await store.appendHistory(id, historyEntry(i));
  await store.putVersion(id, makeVersion('v1', new Date().toISOString()));
  await store.putUpload(id, IMAGE);
  await store.flush(id);
  return { id, editing };
}

export function describeDeleteContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`DocStore contract, delete: ${name}`, () => {
    let harness: StoreHarness;
    let store: DocStore;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('[DEL1] delete removes the document with its log, snapshot, history and versions, also after reopen', async () => {
      const { id } = await fullDoc(store);
      await store.delete(id);
      await expectGone(store, id);
      store = await harness.reopen();
      await expectGone(store, id);
    });

    it('[DEL1] other documents are untouched', async () => {
      const kept = await fullDoc(store);
      const { id } = await fullDoc(store);
      await store.delete(id);
      store = await harness.reopen();
      expect(content(rebuild((await store.load(kept.id))!))).toEqual(content(kept.editing.doc));
      expect(await store.readHistory(kept.id)).toHaveLength(5);
      expect((await store.listVersions(kept.id)).map((v) => v.id)).toEqual(['v1']);
    });

    it('[DEL1] deleting an unknown or already deleted document rejects with UnknownDocError', async () => {
      await expect(store.delete(newDocId())).rejects.toBeInstanceOf(UnknownDocError);
      const { id } = await fullDoc(store);
      const twice = await Promise.allSettled([store.delete(id), store.delete(id)]);
      expect(twice.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      await expect(store.delete(id)).rejects.toBeInstanceOf(UnknownDocError);
    });

    it('[DEL1] a deleted id is never created again', async () => {
      const { id } = await fullDoc(store);
      await store.delete(id);
      await expect(store.create(makeMeta(id))).rejects.toBeInstanceOf(DocExistsError);
      await expectGone(store, id);
    });

    it('[DEL1] writes racing a delete either land before it or are refused; nothing comes back', async () => {
      const { id, editing } = await fullDoc(store);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        writes.push(store.append(id, editing.edit(100 + i)));
        writes.push(store.appendHistory(id, historyEntry(100 + i)));
        if (i === 20) writes.push(store.delete(id));
        if (i % 10 === 0) writes.push(store.putVersion(id, makeVersion(`r${i}`, new Date().toISOString())));
      }
      writes.push(store.compact(id, () => editing.snapshot()));
      const results = await Promise.allSettled(writes);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(UnknownDocError);
      await expectGone(store, id);
      store = await harness.reopen();
      await expectGone(store, id);
    });
  });
}
