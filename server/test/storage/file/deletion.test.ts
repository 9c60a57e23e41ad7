/** File store deletion [DEL2]: nothing of the document left under DATA_DIR, and recovery of an interrupted delete. */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocExistsError } from '../../../src/storage/doc-store.js';
import { FileStore } from '../../../src/storage/file/store.js';
import { expectGone, fullDoc } from '../delete-contract.js';
import { content, makeMeta, rebuild, recordingLogger } from '../helpers.js';

let dataDir: string;
let store: FileStore;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tandem-delete-'));
  store = await FileStore.open({ dataDir, fsyncIntervalMs: 5 });
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

/** Every path under DATA_DIR, relative to it. */
async function allPaths(): Promise<string[]> {
  const entries = await readdir(dataDir, { recursive: true });
  return entries.map((p) => relative(dataDir, join(dataDir, p))).sort();
}

describe('[DEL2] file store deletion', () => {
  it('[DEL2] leaves no file, directory or name of the document under DATA_DIR, leftovers included', async () => {
    const kept = await fullDoc(store);
    const { id } = await fullDoc(store);
    // What a crash in a compaction or a versions rewrite could have left in the directory.
    await writeFile(join(dataDir, 'docs', id, 'snapshot.9.tmp'), 'half a snapshot');
    await writeFile(join(dataDir, 'docs', id, 'versions.log.tmp'), 'half a rewrite');
    await writeFile(join(dataDir, 'docs', id, 'meta.json.tmp'), '{}');
    await store.delete(id);
    const paths = await allPaths();
    expect(paths.filter((p) => p.includes(id))).toEqual([]);
    expect(paths.filter((p) => !p.includes(kept.id))).toEqual(['deleting', 'docs']);
    await expectGone(store, id);
  });

  it('[DEL2] store open finishes a delete a crash interrupted after the move (marker with partial files)', async () => {
    const { id } = await fullDoc(store);
    await store.close();
    // The state after the commit point, with part of the files already removed.
    await mkdir(join(dataDir, 'deleting'));
    await rename(join(dataDir, 'docs', id), join(dataDir, 'deleting', id));
    await rm(join(dataDir, 'deleting', id, 'meta.json'));
    await rm(join(dataDir, 'deleting', id, 'history.log'));
    const log = recordingLogger();
    store = new FileStore({ dataDir, fsyncIntervalMs: 5, logger: log.logger });
    // Before recovery the marker already keeps the id from being created again.
    await expect(store.create(makeMeta(id))).rejects.toBeInstanceOf(DocExistsError);
    await expectGone(store, id);
    await store.recover();
    expect((await allPaths()).filter((p) => p.includes(id))).toEqual([]);
    expect(log.entries.some((l) => l.msg.includes('interrupted by a crash') && l.obj['docId'] === id)).toBe(true);
  });

  it('[DEL2] a crash before the move leaves the whole document', async () => {
    const { id, editing } = await fullDoc(store);
    await store.close();
    // An empty marker directory (the crash came between creating deleting/ and the rename).
    await mkdir(join(dataDir, 'deleting'));
    store = await FileStore.open({ dataDir, fsyncIntervalMs: 5 });
    const stored = (await store.load(id))!;
    expect(stored.log.length).toBe(5);
    expect(content(rebuild(stored))).toEqual(content(editing.doc));
    expect(await store.readHistory(id)).toHaveLength(5);
    expect(await store.listVersions(id)).toHaveLength(1);
  });
});
