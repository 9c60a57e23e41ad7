/** File store recovery from damaged files: torn/corrupt log tails [D4], corrupt snapshots [D5], leftovers [D3]. */
import { readFileSync as readFileSyncForTest, writeFileSync as writeFileSyncForTest } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStore } from '../../../src/storage/doc-store.js';
import { IncompleteDocError } from '../../../src/storage/file/compaction.js';
import { SnapshotVerifyError } from '../../../src/storage/file/snapshot-verify.js';
import { FileStore, type CompactionHooks } from '../../../src/storage/file/store.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild, recordingLogger } from '../helpers.js';

let dataDir: string;
let store: DocStore;
let log: ReturnType<typeof recordingLogger>;

function open(hooks?: CompactionHooks): DocStore {
  log = recordingLogger();
  store = new FileStore({ dataDir, fsyncIntervalMs: 5, logger: log.logger, hooks });
  return store;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tandem-recovery-'));
  open();
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

const docFile = (id: string, name: string): string => join(dataDir, 'docs', id, name);

/** A document with `count` appended edits, the store closed afterwards. */
async function docWithEdits(count: number): Promise<{ id: string; editing: EditingDoc; updates: Uint8Array[] }> {
  const id = newDocId();
  const editing = new EditingDoc();
  await store.create(makeMeta(id));
  const updates = Array.from({ length: count }, (_, i) => editing.edit(i));
  await Promise.all(updates.map((u) => store.append(id, u)));
  await store.close();
  return { id, editing, updates };
}

/** Byte offset where record `index` of a log holding `updates` starts. */
function recordOffset(updates: Uint8Array[], index: number): number {
  return updates.slice(0, index).reduce((sum, u) => sum + 8 + u.byteLength, 0);
}

describe('[D4] torn or corrupt log tails', () => {
  const cases: { name: string; damage(path: string, updates: Uint8Array[]): Promise<void>; kept: number }[] = [
    {
      name: 'log truncated in the middle of the last record',
      damage: (path, updates) => truncate(path, recordOffset(updates, 9) + 8 + Math.floor(updates[9]!.byteLength / 2)),
      kept: 9,
    },
    {
      name: 'log truncated inside the last record header',
      damage: (path, updates) => truncate(path, recordOffset(updates, 9) + 5),
      kept: 9,
    },
    { name: 'garbage bytes after the last record', damage: (path) => appendFile(path, Buffer.from('garbage!!')), kept: 10 },
    { name: 'a zero-filled tail (power cut on some file systems)', damage: (path) => appendFile(path, Buffer.alloc(64)), kept: 10 },
    {
      name: 'a flipped byte inside record 4',
      damage: async (path, updates) => {
        const bytes = await readFile(path);
        const at = recordOffset(updates, 4) + 8 + 1;
        bytes[at] = bytes[at]! ^ 0x40;
        await writeFile(path, bytes);
      },
      kept: 4,
    },
    {
      name: 'a corrupted length field in record 6',
      damage: async (path, updates) => {
        const bytes = await readFile(path);
        bytes.writeUInt32LE(3, recordOffset(updates, 6));
        await writeFile(path, bytes);
      },
      kept: 6,
    },
  ];

  it.each(cases)('[D4] $name: keeps the valid prefix, cuts the file, warns, and later appends are readable', async (c) => {
    const { id, updates } = await docWithEdits(10);
    const path = docFile(id, 'log.0');
    await c.damage(path, updates);
    const damagedSize = (await stat(path)).size;

    open();
    const stored = (await store.load(id))!;
    expect(stored.log).toEqual(updates.slice(0, c.kept));
    const validSize = recordOffset(updates, c.kept);
    expect((await stat(path)).size).toBe(validSize);
    const warning = log.entries.find((e) => e.level === 'warn' && e.obj.file === 'log.0');
    expect(warning?.obj).toMatchObject({ docId: id, droppedBytes: damagedSize - validSize });

    // Appends after recovery land right after the valid prefix and survive a restart.
    const later = new EditingDoc();
    const extra = [later.edit(100), later.edit(101)];
    for (const u of extra) await store.append(id, u);
    await store.close();
    open();
    expect((await store.load(id))!.log).toEqual([...updates.slice(0, c.kept), ...extra]);
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('[D4] an intact document loads without warnings', async () => {
    const { id, editing } = await docWithEdits(25);
    open();
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
    expect(log.entries.filter((e) => e.level !== 'info')).toEqual([]);
  });
});

describe('[D5] corrupt snapshots', () => {
  /**
   * Two compactions with edits before, between and after, the second stopped (as a crash would) between
   * publishing snapshot.2 and deleting generation 1, so generation 1 is still there as a fallback [D9].
   */
  async function compactedTwice(): Promise<{ id: string; editing: EditingDoc }> {
    let compactions = 0;
    open({
      beforeCompactionStep(step) {
        if (step === 'delete-old' && ++compactions === 2) throw new Error('stopped before the deletions');
      },
    });
    const id = newDocId();
    const editing = new EditingDoc();
    await store.create(makeMeta(id));
    let i = 0;
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 15 }, () => store.append(id, editing.edit(i++))));
      if (round === 0) await store.compact(id, () => editing.snapshot());
      if (round === 1) await expect(store.compact(id, () => editing.snapshot())).rejects.toThrow('stopped before the deletions');
    }
    await store.close();
    expect((await readdir(join(dataDir, 'docs', id))).sort()).toEqual(['log.1', 'log.2', 'meta.json', 'snapshot.1', 'snapshot.2']);
    return { id, editing };
  }

  const damages: { name: string; damage(path: string): Promise<void> }[] = [
    {
      name: 'a flipped payload byte',
      damage: async (path) => {
        const bytes = await readFile(path);
        bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
        await writeFile(path, bytes);
      },
    },
    { name: 'a truncated file', damage: async (path) => truncate(path, (await stat(path)).size - 1) },
    { name: 'an empty file', damage: (path) => truncate(path, 0) },
    { name: 'extra bytes at the end', damage: (path) => appendFile(path, Buffer.from([1, 2, 3])) },
    {
      name: 'a snapshot of another generation',
      damage: async (path) => writeFile(path, await readFile(path.replace(/snapshot\.2$/, 'snapshot.1'))),
    },
  ];

  it.each(damages)('[D5] newest snapshot with $name falls back to the previous snapshot plus logs', async ({ damage }) => {
    const { id, editing } = await compactedTwice();
    await damage(docFile(id, 'snapshot.2'));
    open();
    const stored = (await store.load(id))!;
    expect(stored.log).toHaveLength(30); // log.1 + log.2, replayed on top of snapshot.1
    expect(content(rebuild(stored))).toEqual(content(editing.doc));
    expect(log.entries.find((e) => e.level === 'warn')?.obj).toMatchObject({ docId: id, file: 'snapshot.2' });

    // The store keeps working from the fallback: append, compact (the corrupt file is renamed aside [D10],
    // generation 1 goes [D9]), reload.
    await store.append(id, editing.edit(1000));
    await store.compact(id, () => editing.snapshot());
    await store.close();
    open();
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
    expect((await readdir(join(dataDir, 'docs', id))).sort()).toEqual(['log.3', 'meta.json', 'snapshot.2.corrupt', 'snapshot.3']);
  });

  it('[D10] a corrupt snapshot with no older generation left: loading says so, compaction is refused and nothing is touched', async () => {
    const id = newDocId();
    const editing = new EditingDoc();
    await store.create(makeMeta(id));
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(id, editing.edit(i))));
    await store.compact(id, () => editing.snapshot());
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.append(id, editing.edit(10 + i))));
    await store.close();
    const dir = join(dataDir, 'docs', id);
    expect((await readdir(dir)).sort()).toEqual(['log.1', 'meta.json', 'snapshot.1']);
    const bytes = await readFile(docFile(id, 'snapshot.1'));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    await writeFile(docFile(id, 'snapshot.1'), bytes);
    const before = { snapshot: await readFile(docFile(id, 'snapshot.1')), log: await readFile(docFile(id, 'log.1')) };

    open();
    expect((await store.load(id))!.log).toHaveLength(5);
    expect(log.entries.find((e) => e.level === 'error')?.msg).toMatch(/no valid snapshot to start from.*tandem fsck/);
    // A snapshot of what loaded would leave out the five records waiting for the lost state.
    await expect(store.compact(id, () => editing.snapshot())).rejects.toBeInstanceOf(IncompleteDocError);
    await store.append(id, editing.edit(15));
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(['log.1', 'meta.json', 'snapshot.1']);
    expect(await readFile(docFile(id, 'snapshot.1'))).toEqual(before.snapshot);
    expect((await readFile(docFile(id, 'log.1'))).subarray(0, before.log.length)).toEqual(before.log);
  });
});

describe('[D3] a snapshot is read back before anything older goes', () => {
  /** A document with one compaction behind it and more edits after; the store stays open. */
  async function compactedOnce(hooks?: CompactionHooks): Promise<{ id: string; editing: EditingDoc; files: string[] }> {
    open(hooks);
    const id = newDocId();
    const editing = new EditingDoc();
    await store.create(makeMeta(id));
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(id, editing.edit(i))));
    await store.compact(id, () => editing.snapshot());
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(id, editing.edit(10 + i))));
    return { id, editing, files: (await readdir(join(dataDir, 'docs', id))).sort() };
  }

  it('[D3] bytes changed on disk between the write and the read-back: not published, nothing deleted', async () => {
    let armed = false;
    let tmpPath = '';
    const { id, editing, files } = await compactedOnce({
      beforeCompactionStep(step) {
        if (armed && step === 'verify-snapshot') {
          tmpPath = docFile(id, 'snapshot.2.tmp');
          const bytes = readFileSyncForTest(tmpPath);
          bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
          writeFileSyncForTest(tmpPath, bytes);
        }
      },
    });
    armed = true;
    const failed = store.compact(id, () => editing.snapshot());
    await expect(failed).rejects.toBeInstanceOf(SnapshotVerifyError);
    await expect(failed).rejects.toThrow(/checksum mismatch/);
    // The cut happened (log.2 is a normal log); the old generation is all there, the bad file is gone.
    expect((await readdir(join(dataDir, 'docs', id))).sort()).toEqual([...files, 'log.2'].sort());
    await store.append(id, editing.edit(20));
    await store.close();
    open();
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
  });

  it('[D3] a snapshot that is not a whole Yjs state (changes missing their dependencies) is refused', async () => {
    const { id, editing, files } = await compactedOnce();
    // Only the changes since some point: applied alone, they wait for what came before.
    const partial = Y.encodeStateAsUpdate(editing.doc, Y.encodeStateVector(cloneFirstEdits(editing, 2)));
    await expect(store.compact(id, () => partial)).rejects.toThrow(/does not apply whole in Yjs/);
    expect((await readdir(join(dataDir, 'docs', id))).sort()).toEqual([...files, 'log.2'].sort());
    await store.close();
    open();
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
  });
});

/** A document holding only the first `count` edits of the same client as `editing` would make them. */
function cloneFirstEdits(editing: EditingDoc, count: number): Y.Doc {
  const fresh = new EditingDoc();
  fresh.doc.clientID = editing.doc.clientID;
  for (let i = 0; i < count; i++) fresh.edit(i);
  return fresh.doc;
}

describe('[D3] leftovers of interrupted work', () => {
  it('[D3] leftover snapshot .tmp files are ignored and removed on load; meta.json.tmp is ignored', async () => {
    const { id, editing } = await docWithEdits(5);
    await writeFile(docFile(id, 'snapshot.1.tmp'), 'half a snapshot');
    await writeFile(docFile(id, 'meta.json.tmp'), '{"half":');
    open();
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
    expect(await readdir(join(dataDir, 'docs', id))).not.toContain('snapshot.1.tmp');
    expect((await store.getMeta(id))?.id).toBe(id);
    await store.compact(id, () => editing.snapshot());
    expect((await store.load(id))!.log).toEqual([]);
  });

  it('a directory without meta.json (a create that crashed) is not a document, and create replaces it', async () => {
    const { id } = await docWithEdits(3);
    await rm(docFile(id, 'meta.json'));
    open();
    expect(await store.getMeta(id)).toBeNull();
    expect(await store.load(id)).toBeNull();
    await store.create(makeMeta(id));
    expect(await store.load(id)).toEqual({ snapshot: null, log: [], logBytes: 0 });
  });
});
