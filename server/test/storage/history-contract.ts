/**
 * The DocStore contract for history entries [HI2] and versions [HI4]; `describeDocStoreContract` runs it
 * for every store, with the same harness (reopen = a restart over the same persistent state).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  StoreClosedError,
  UnknownDocError,
  type DocStore,
  type StoredVersion,
} from '../../src/storage/doc-store.js';
import type { StoreHarness } from './contract.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild } from './helpers.js';

/** Version ids that fail VERSION_ID_PATTERN; several would be path tricks if they reached a path. */
export const BAD_VERSION_IDS = ['', '../x', '..', 'a/b', 'a\\b', 'a'.repeat(65), 'a b', 'v.json', 'vé', 'x\u0000y', '%2e%2e'];

/** History entry number `i`: distinct bytes of varying length (1 to 300). */
export function historyEntry(i: number): Uint8Array {
  const bytes = new Uint8Array(1 + ((i * 37) % 300));
  for (let k = 0; k < bytes.length; k++) bytes[k] = (i * 7 + k) & 0xff;
  bytes[0] = i & 0xff;
  return bytes;
}

/** A version with every field set; `snapshotBytes` of content derived from the id. */
export function makeVersion(id: string, createdAt: string, overrides: Partial<StoredVersion> = {}, snapshotBytes = 64): StoredVersion {
  const snapshot = new Uint8Array(snapshotBytes);
  for (let k = 0; k < snapshot.length; k++) snapshot[k] = (id.charCodeAt(k % id.length) + k) & 0xff;
  return {
    id,
    createdAt,
    name: null,
    kind: 'auto',
    authors: [
      { name: 'Ada', color: '#ff8800' },
      { name: 'Anonymous', color: null },
    ],
    inserted: 12,
    deleted: 3,
    changes: 7,
    snapshot,
    ...overrides,
  };
}

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const ids = (versions: StoredVersion[]): string[] => versions.map((v) => v.id);

export function describeHistoryContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`DocStore history contract: ${name}`, () => {
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

    describe('[HI2] history entries', () => {
      it('[HI2] entries settle in call order and read back in that order, also after reopen', async () => {
        const id = await newDoc();
        const entries = Array.from({ length: 200 }, (_, i) => historyEntry(i));
        const settled: number[] = [];
        await Promise.all(entries.map((e, i) => store.appendHistory(id, e).then(() => settled.push(i))));
        expect(settled).toEqual(entries.map((_, i) => i));
        expect(await store.readHistory(id)).toEqual(entries);
        await reopen();
        expect(await store.readHistory(id)).toEqual(entries);
        const more = [historyEntry(1000), historyEntry(1001)];
        for (const e of more) await store.appendHistory(id, e);
        await reopen();
        expect(await store.readHistory(id)).toEqual([...entries, ...more]);
      });

      it('[HI2] readHistory sees every entry appended before it was called', async () => {
        const id = await newDoc();
        const writes = Array.from({ length: 30 }, (_, i) => store.appendHistory(id, historyEntry(i)));
        expect(await store.readHistory(id)).toHaveLength(30);
        await Promise.all(writes);
      });

      it('[HI2] entries are never compacted: they survive compactions and reopen, and stay out of the log', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        const entries: Uint8Array[] = [];
        let i = 0;
        for (let round = 0; round < 3; round++) {
          const writes: Promise<void>[] = [];
          for (let k = 0; k < 20; k++, i++) {
            entries.push(historyEntry(i));
            writes.push(store.append(id, editing.edit(i)), store.appendHistory(id, entries[i]!));
          }
          // A compaction racing the appends of both kinds.
          writes.push(store.compact(id, () => editing.snapshot()));
          await Promise.all(writes);
          expect(await store.readHistory(id)).toEqual(entries);
        }
        // Appends that raced a compaction may still be in the log; a quiet compaction folds them too.
        await store.compact(id, () => editing.snapshot());
        const stored = (await store.load(id))!;
        expect(stored.log).toEqual([]);
        expect(content(rebuild(stored))).toEqual(content(editing.doc));
        expect(await store.readHistory(id)).toEqual(entries);
        await reopen();
        expect(await store.readHistory(id)).toEqual(entries);
      });

      it('[HI2] documents keep their histories apart; release and flush keep them', async () => {
        const [a, b] = [await newDoc(), await newDoc()];
        await Promise.all(Array.from({ length: 10 }, (_, i) => [store.appendHistory(a, historyEntry(i)), store.appendHistory(b, historyEntry(100 + i))]).flat());
        await store.flush(a);
        await store.release(b);
        await store.flush();
        expect(await store.readHistory(a)).toEqual(Array.from({ length: 10 }, (_, i) => historyEntry(i)));
        expect(await store.readHistory(b)).toEqual(Array.from({ length: 10 }, (_, i) => historyEntry(100 + i)));
        await store.appendHistory(b, historyEntry(200));
        expect(await store.readHistory(b)).toHaveLength(11);
      });

      it('[HI2] unknown document: readHistory gives [], appendHistory rejects with UnknownDocError', async () => {
        const id = newDocId();
        expect(await store.readHistory(id)).toEqual([]);
        await expect(store.appendHistory(id, historyEntry(0))).rejects.toBeInstanceOf(UnknownDocError);
        expect(await store.readHistory(id)).toEqual([]);
        expect(await store.getMeta(id)).toBeNull();
        // A document without entries reads as [] too.
        expect(await store.readHistory(await newDoc())).toEqual([]);
      });

      it('[HI2][L11] a batch of entries is one append: in order among single appends, read back whole after reopen', async () => {
        const id = await newDoc();
        const entries = Array.from({ length: 90 }, (_, i) => historyEntry(i));
        const settled: string[] = [];
        await Promise.all([
          store.appendHistory(id, entries.slice(0, 40)).then(() => settled.push('batch 0-39')),
          store.appendHistory(id, entries[40]!).then(() => settled.push('single 40')),
          store.appendHistory(id, entries.slice(41)).then(() => settled.push('batch 41-89')),
        ]);
        expect(settled).toEqual(['batch 0-39', 'single 40', 'batch 41-89']);
        expect(await store.readHistory(id)).toEqual(entries);
        await reopen();
        expect(await store.readHistory(id)).toEqual(entries);
        await expect(store.appendHistory(id, [historyEntry(500), new Uint8Array(0)])).rejects.toThrow();
        expect(await store.readHistory(id)).toEqual(entries);
      });

      it('[HI2] an empty entry is refused', async () => {
        const id = await newDoc();
        await expect(store.appendHistory(id, new Uint8Array(0))).rejects.toThrow();
        expect(await store.readHistory(id)).toEqual([]);
      });
    });

    describe('[HI4] versions', () => {
      it('[HI4] put, list (by createdAt, then put order), get: every field round-trips, also after reopen', async () => {
        const id = await newDoc();
        const versions = [
          makeVersion('b-second', at(2), { name: 'Draft', kind: 'named' }),
          makeVersion('a_first', at(1), { authors: [], inserted: 0, deleted: 0, changes: 0 }),
          makeVersion('C3', at(2), { kind: 'restore', snapshot: new Uint8Array(256 * 1024).fill(9) }),
          makeVersion('0', at(3), { name: 'Ünïcödé ✓ "quoted"' }),
        ];
        for (const v of versions) await store.putVersion(id, v);
        const expected = [versions[1]!, versions[0]!, versions[2]!, versions[3]!];
        expect(await store.listVersions(id)).toEqual(expected);
        for (const v of versions) expect(await store.getVersion(id, v.id)).toEqual(v);
        await reopen();
        expect(await store.listVersions(id)).toEqual(expected);
        expect(await store.getVersion(id, 'C3')).toEqual(versions[2]);
      });

      it('[HI4] putting an existing id replaces it in place; deleting removes; a re-put goes last among equals', async () => {
        const id = await newDoc();
        for (const v of ['v1', 'v2', 'v3']) await store.putVersion(id, makeVersion(v, at(5)));
        const replaced = makeVersion('v1', at(5), { name: 'renamed', kind: 'named', snapshot: new Uint8Array([1, 2, 3]) });
        await store.putVersion(id, replaced);
        expect(ids(await store.listVersions(id))).toEqual(['v1', 'v2', 'v3']);
        expect(await store.getVersion(id, 'v1')).toEqual(replaced);

        await store.deleteVersions(id, ['v1', 'missing', '../x', 'v1']);
        expect(ids(await store.listVersions(id))).toEqual(['v2', 'v3']);
        expect(await store.getVersion(id, 'v1')).toBeNull();
        await store.putVersion(id, makeVersion('v1', at(5)));
        expect(ids(await store.listVersions(id))).toEqual(['v2', 'v3', 'v1']);

        await store.deleteVersions(id, []);
        await store.deleteVersions(id, ['v3', 'v2']);
        await reopen();
        expect(await store.listVersions(id)).toEqual([makeVersion('v1', at(5))]);
        await store.deleteVersions(id, ['v1']);
        await reopen();
        expect(await store.listVersions(id)).toEqual([]);
      });

      it('[HI4] many versions put and deleted concurrently end up as if done one by one', async () => {
        const id = await newDoc();
        const all = Array.from({ length: 40 }, (_, i) => makeVersion(`v${i}`, at(i), {}, 100 + i * 50));
        await Promise.all(all.map((v) => store.putVersion(id, v)));
        const dropped = all.filter((_, i) => i % 3 === 0).map((v) => v.id);
        await Promise.all([store.deleteVersions(id, dropped.slice(0, 7)), store.deleteVersions(id, dropped.slice(7))]);
        const kept = all.filter((_, i) => i % 3 !== 0);
        expect(await store.listVersions(id)).toEqual(kept);
        await reopen();
        expect(await store.listVersions(id)).toEqual(kept);
      });

      it('[HI4] versions survive compaction and stay apart from history and log', async () => {
        const id = await newDoc();
        const editing = new EditingDoc();
        await store.putVersion(id, makeVersion('before', at(1)));
        await Promise.all([store.append(id, editing.edit(0)), store.appendHistory(id, historyEntry(0))]);
        await store.compact(id, () => editing.snapshot());
        await store.putVersion(id, makeVersion('after', at(2)));
        await store.compact(id, () => editing.snapshot());
        await reopen();
        expect(ids(await store.listVersions(id))).toEqual(['before', 'after']);
        expect(await store.readHistory(id)).toEqual([historyEntry(0)]);
      });

      it('[HI4] unknown version → null; unknown document: [] / null / ignored, and putVersion rejects with UnknownDocError', async () => {
        const id = await newDoc();
        expect(await store.getVersion(id, 'nope')).toBeNull();
        expect(await store.listVersions(id)).toEqual([]);
        const unknown = newDocId();
        expect(await store.listVersions(unknown)).toEqual([]);
        expect(await store.getVersion(unknown, 'v1')).toBeNull();
        await store.deleteVersions(unknown, ['v1']);
        await expect(store.putVersion(unknown, makeVersion('v1', at(1)))).rejects.toBeInstanceOf(UnknownDocError);
        expect(await store.listVersions(unknown)).toEqual([]);
        expect(await store.getMeta(unknown)).toBeNull();
      });

      it('[HI4][HI7] bad version ids: getVersion gives null, putVersion rejects, deleteVersions ignores them', async () => {
        const id = await newDoc();
        await store.putVersion(id, makeVersion('x', at(1)));
        for (const bad of BAD_VERSION_IDS) {
          expect(await store.getVersion(id, bad)).toBeNull();
          await expect(store.putVersion(id, makeVersion(bad, at(1)))).rejects.toThrow();
        }
        await store.deleteVersions(id, BAD_VERSION_IDS);
        expect(ids(await store.listVersions(id))).toEqual(['x']);
      });
    });

    it('a closed store refuses the history methods with StoreClosedError', async () => {
      const id = await newDoc();
      await store.appendHistory(id, historyEntry(0));
      await store.putVersion(id, makeVersion('v1', at(1)));
      await store.close();
      const calls: (() => Promise<unknown>)[] = [
        () => store.appendHistory(id, historyEntry(1)),
        () => store.readHistory(id),
        () => store.putVersion(id, makeVersion('v2', at(2))),
        () => store.listVersions(id),
        () => store.getVersion(id, 'v1'),
        () => store.deleteVersions(id, ['v1']),
      ];
      for (const call of calls) await expect(call()).rejects.toBeInstanceOf(StoreClosedError);
      await reopen();
      expect(await store.readHistory(id)).toEqual([historyEntry(0)]);
      expect(ids(await store.listVersions(id))).toEqual(['v1']);
    });
  });
}
