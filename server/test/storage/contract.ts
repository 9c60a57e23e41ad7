/**
 * The DocStore contract: every implementation (memory, file, later PostgreSQL) runs this suite.
 *
 * `makeStore` gives a fresh, empty store plus:
 *   reopen()  — close the current store and open a new one over the same persistent state (a restart);
 *   cleanup() — close whatever store is current and delete the state.
 * Test names cite the durability rules of server/SPEC.md (D1–D7). History entries and versions [HI2][HI4]
 * have their part in history-contract.ts, run from here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DocExistsError,
  InvalidDocIdError,
  StoreClosedError,
  UnknownDocError,
  type DocStore,
} from '../../src/storage/doc-store.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild } from './helpers.js';
import { describeDeleteContract } from './delete-contract.js';
import { describeHistoryContract, historyEntry, makeVersion } from './history-contract.js';
import { describeUploadContract } from './upload-contract.js';
import { describeUploadQuotaContract } from './upload-quota-contract.js';

export interface StoreHarness {
  store: DocStore;
  reopen(): Promise<DocStore>;
  cleanup(): Promise<void>;
}

export const INVALID_IDS = [
  '',
  'short',
  '..',
  '../x',
  '../../../../../../tmp/evil',
  'a/b',
  'abcdefgh/../../x',
  '%2e%2e',
  '%2e%2e%2fabcdefgh',
  'abcdefgh.json',
  'abcdefgh\\x',
  'abc\u0000defgh',
  ' abcdefgh',
  'abcdéfgh',
  'a'.repeat(65),
  'a'.repeat(10_000),
];

export function describeDocStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`DocStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: DocStore;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    async function reopen(): Promise<DocStore> {
      store = await harness.reopen();
      return store;
    }

    async function newDoc(): Promise<string> {
      const id = newDocId();
      await store.create(makeMeta(id));
      return id;
    }

    describe('metadata', () => {
      it('create then getMeta returns the metadata, also after reopen', async () => {
        const meta = makeMeta(newDocId(), 3);
        await store.create(meta);
        expect(await store.getMeta(meta.id)).toEqual(meta);
        await reopen();
        expect(await store.getMeta(meta.id)).toEqual(meta);
      });

      it('putMeta replaces the metadata of an existing document', async () => {
        const meta = makeMeta(newDocId());
        await store.create(meta);
        const changed = { ...meta, updatedAt: new Date(Date.now() + 1000).toISOString(), linkGeneration: 7 };
        await store.putMeta(changed);
        expect(await store.getMeta(meta.id)).toEqual(changed);
        await reopen();
        expect(await store.getMeta(meta.id)).toEqual(changed);
      });

      it('create of a taken id rejects with DocExistsError and keeps the original', async () => {
        const meta = makeMeta(newDocId(), 1);
        await store.create(meta);
        await expect(store.create({ ...meta, linkGeneration: 9 })).rejects.toBeInstanceOf(DocExistsError);
        expect(await store.getMeta(meta.id)).toEqual(meta);
      });

      it('concurrent creates of one id: exactly one wins', async () => {
        const id = newDocId();
        const results = await Promise.allSettled([1, 2, 3, 4].map((g) => store.create(makeMeta(id, g))));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DocExistsError);
      });

      it('putMeta of an unknown document rejects with UnknownDocError', async () => {
        await expect(store.putMeta(makeMeta(newDocId()))).rejects.toBeInstanceOf(UnknownDocError);
      });

      it('unknown documents: getMeta and load return null; append and compact reject with UnknownDocError', async () => {
        const id = newDocId();
        expect(await store.getMeta(id)).toBeNull();
        expect(await store.load(id)).toBeNull();
        await expect(store.append(id, new EditingDoc().edit(0))).rejects.toBeInstanceOf(UnknownDocError);
        await expect(store.compact(id, () => new Uint8Array([0, 0]))).rejects.toBeInstanceOf(UnknownDocError);
        expect(await store.getMeta(id)).toBeNull();
        expect(await store.load(id)).toBeNull();
      });

      it('listIds lists every created document, also after reopen', async () => {
        const ids = [await newDoc(), await newDoc(), await newDoc()];
        const listed = async () => {
          const out: string[] = [];
          for await (const id of store.listIds()) out.push(id);
          return out;
        };
        // Stores may be shared between harness runs (one schema each, one directory each): only ours count.
        expect((await listed()).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
        await reopen();
        expect((await listed()).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
        expect(await listed()).not.toContain(newDocId());
      });

      it('a new document loads as empty', async () => {
        const id = await newDoc();
        expect(await store.load(id)).toEqual({ snapshot: null, log: [], logBytes: 0 });
      });
    });

    describe('[D7] ids are validated before touching storage', () => {
      it.each(INVALID_IDS.map((id) => [JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id), id]))(
        '[D7] every method rejects id %s with InvalidDocIdError',
        async (_label, id) => {
          const update = new EditingDoc().edit(0);
          const calls: (() => Promise<unknown>)[] = [
            () => store.create(makeMeta(id)),
            () => store.getMeta(id),
            () => store.putMeta(makeMeta(id)),
            () => store.load(id),
            () => store.append(id, update),
            () => store.compact(id, () => update),
            () => store.flush(id),
            () => store.release(id),
            () => store.appendHistory(id, historyEntry(0)),
            () => store.readHistory(id),
            () => store.putVersion(id, makeVersion('v1', new Date().toISOString())),
            () => store.listVersions(id),
            () => store.getVersion(id, 'v1'),
            () => store.deleteVersions(id, ['v1']),
            () => store.delete(id),
          ];
          for (const call of calls) await expect(call()).rejects.toBeInstanceOf(InvalidDocIdError);
        },
      );
    });

    describe('appends and loads', () => {
      it('[D2] appends of one document keep call order under many concurrent appends', async () => {
        const id = await newDoc();
        const payloads = Array.from({ length: 300 }, (_, i) => new Uint8Array([i & 0xff, i >> 8, 1, 2, 3].slice(0, 2 + (i % 4))));
        const settled: number[] = [];
        await Promise.all(payloads.map((p, i) => store.append(id, p).then(() => settled.push(i))));
        expect(settled).toEqual(payloads.map((_, i) => i));
        const stored = await store.load(id);
        expect(stored?.log).toEqual(payloads);
        expect(stored?.logBytes).toBe(payloads.reduce((s, p) => s + p.byteLength, 0));
        await reopen();
        expect((await store.load(id))?.log).toEqual(payloads);
      });

      it('[D1][D2] load after reopen returns everything appended (real Yjs updates)', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        for (let round = 0; round < 5; round++) {
          await Promise.all(Array.from({ length: 40 }, (_, i) => store.append(id, editing.edit(round * 40 + i))));
        }
        expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
        await reopen();
        const stored = await store.load(id);
        expect(stored?.snapshot).toBeNull();
        expect(stored?.log).toHaveLength(200);
        expect(content(rebuild(stored!))).toEqual(content(editing.doc));
      });

      it('load sees every append that resolved before it was called', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        for (let i = 0; i < 20; i++) {
          await store.append(id, editing.edit(i));
          expect((await store.load(id))?.log).toHaveLength(i + 1);
        }
      });

      it('[L11] a batch of updates is one append: in order among single appends, settled in call order, also after reopen', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        const updates = Array.from({ length: 120 }, (_, i) => editing.edit(i));
        const settled: string[] = [];
        await Promise.all([
          store.append(id, updates[0]!).then(() => settled.push('single 0')),
          store.append(id, updates.slice(1, 60)).then(() => settled.push('batch 1-59')),
          store.append(id, updates[60]!).then(() => settled.push('single 60')),
          store.append(id, updates.slice(61)).then(() => settled.push('batch 61-119')),
        ]);
        expect(settled).toEqual(['single 0', 'batch 1-59', 'single 60', 'batch 61-119']);
        await store.append(id, []); // nothing to write: it resolves
        expect((await store.load(id))?.log).toEqual(updates);
        await reopen();
        const stored = await store.load(id);
        expect(stored?.log).toEqual(updates);
        expect(content(rebuild(stored!))).toEqual(content(editing.doc));
      });

      it('[L11] a batch holding an empty update is refused whole: nothing of it is written', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        await expect(store.append(id, [editing.edit(0), new Uint8Array(0), editing.edit(1)])).rejects.toThrow();
        expect((await store.load(id))?.log).toEqual([]);
      });

      it('appending an empty update is refused', async () => {
        const id = await newDoc();
        await expect(store.append(id, new Uint8Array(0))).rejects.toThrow();
        expect((await store.load(id))?.log).toEqual([]);
      });

      it('release frees a document; it can be used again afterwards', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        await store.append(id, editing.edit(0));
        await store.release(id);
        await store.release(id);
        await store.append(id, editing.edit(1));
        await store.flush(id);
        await store.flush();
        expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
        await store.release(newDocId());
      });
    });

    describe('compaction', () => {
      it('[D2][D3] compaction keeps the content and drops the log entries', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        await Promise.all(Array.from({ length: 60 }, (_, i) => store.append(id, editing.edit(i))));
        await store.compact(id, () => editing.snapshot());
        let stored = (await store.load(id))!;
        expect(stored.snapshot).not.toBeNull();
        expect(stored.log).toEqual([]);
        expect(stored.logBytes).toBe(0);
        expect(content(rebuild(stored))).toEqual(content(editing.doc));

        await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(id, editing.edit(60 + i))));
        await reopen();
        stored = (await store.load(id))!;
        expect(stored.log).toHaveLength(10);
        expect(content(rebuild(stored))).toEqual(content(editing.doc));

        await store.compact(id, () => editing.snapshot());
        await store.compact(id, () => editing.snapshot());
        await reopen();
        stored = (await store.load(id))!;
        expect(stored.log).toEqual([]);
        expect(content(rebuild(stored))).toEqual(content(editing.doc));
      });

      it('[D3] appends racing a compaction are not lost', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        const writes: Promise<void>[] = [];
        let i = 0;
        const appendSome = async (n: number): Promise<void> => {
          for (let k = 0; k < n; k++) writes.push(store.append(id, editing.edit(i++)));
          // Let writes and compaction steps interleave with the appends: next tick, or a little later.
          await new Promise((r) => (i % 2 === 0 ? setTimeout(r, 0) : setImmediate(r)));
        };
        for (let round = 0; round < 3; round++) {
          await appendSome(40);
          // Keep appending from the moment compact() is called until well after it finished.
          let running = round === 2 ? 2 : 1;
          const compactions = Array.from({ length: running }, () =>
            store.compact(id, () => editing.snapshot()).finally(() => running--),
          );
          while (running > 0) await appendSome(3);
          await appendSome(5);
          await Promise.all(compactions);
        }
        await Promise.all(writes);
        expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
        await reopen();
        expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
      });

      it('[D3] snapshot() runs once, synchronously inside compact, and a throwing snapshot() loses nothing', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(id, editing.edit(i))));
        let calls = 0;
        await store.compact(id, () => {
          calls++;
          return editing.snapshot();
        });
        expect(calls).toBe(1);
        await store.append(id, editing.edit(20));
        await expect(
          store.compact(id, () => {
            throw new Error('no snapshot today');
          }),
        ).rejects.toThrow('no snapshot today');
        await store.append(id, editing.edit(21));
        await reopen();
        expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
      });
    });

    it('[D1][D2][D3] many documents in parallel stay independent', async () => {
      const docs = await Promise.all(
        Array.from({ length: 16 }, async () => ({ id: await newDoc(), editing: new EditingDoc() })),
      );
      await Promise.all(
        docs.map(async ({ id, editing }, d) => {
          for (let round = 0; round < 4; round++) {
            const writes = Array.from({ length: 15 }, (_, i) => store.append(id, editing.edit(round * 15 + i)));
            if (d % 3 === round % 3) writes.push(store.compact(id, () => editing.snapshot()));
            await Promise.all(writes);
          }
        }),
      );
      await reopen();
      for (const { id, editing } of docs) {
        expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
      }
    });

    it('close() is idempotent and the store refuses work afterwards', async () => {
      const id = await newDoc();
      await store.append(id, new EditingDoc().edit(0));
      await store.close();
      await store.close();
      await expect(store.load(id)).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.append(id, new EditingDoc().edit(0))).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.getMeta(id)).rejects.toBeInstanceOf(StoreClosedError);
      await reopen();
      expect((await store.load(id))?.log).toHaveLength(1);
    });
  });

  describeHistoryContract(name, makeStore);
  describeDeleteContract(name, makeStore);
  describeUploadContract(name, makeStore);
  describeUploadQuotaContract(name, makeStore);
}
