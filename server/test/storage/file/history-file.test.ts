/**
 * The file store's history file [HI2]: where it lives, that compaction never touches it, its group commit and
 * fsync policy [D1], write errors [D6] and torn tails [D4].
 */
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultIo } from '../../../src/storage/file/fs-util.js';
import { FileStore, type FileStoreOptions, type StoreIo } from '../../../src/storage/file/store.js';
import { EditingDoc, makeMeta, newDocId, recordingLogger } from '../helpers.js';
import { historyEntry } from '../history-contract.js';

let dataDir: string;
let stores: FileStore[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tandem-history-'));
});
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
  stores = [];
  await rm(dataDir, { recursive: true, force: true });
});

function open(options: Partial<FileStoreOptions> = {}): FileStore {
  const store = new FileStore({ dataDir, fsyncIntervalMs: 5, ...options });
  stores.push(store);
  return store;
}

async function newDoc(store: FileStore): Promise<string> {
  const id = newDocId();
  await store.create(makeMeta(id));
  return id;
}

const historyPath = (id: string): string => join(dataDir, 'docs', id, 'history.log');
const entries = (from: number, count: number): Uint8Array[] => Array.from({ length: count }, (_, i) => historyEntry(from + i));
/** Where entry `index` starts in a history file holding `list`. */
const offsetOf = (list: Uint8Array[], index: number): number => list.slice(0, index).reduce((s, e) => s + 8 + e.byteLength, 0);

/** I/O that records writes and datasyncs of history.log and can fail its writes. */
function historyIo() {
  const io = {
    writes: [] as number[],
    datasyncs: 0,
    fail: false,
    writev: (async (file, buffers, position) => {
      if (basename(file.path) === 'history.log') {
        io.writes.push(buffers.reduce((s, b) => s + b.length, 0));
        if (io.fail) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      }
      return defaultIo.writev(file, buffers, position);
    }) as StoreIo['writev'],
    datasync: (async (file) => {
      if (basename(file.path) === 'history.log') io.datasyncs++;
      return defaultIo.datasync(file);
    }) as StoreIo['datasync'],
  };
  return io;
}

describe('[HI2] where history lives', () => {
  it('[D8][HI2] history.log sits in the document directory and compaction leaves it byte for byte', async () => {
    const store = open();
    const id = await newDoc(store);
    const editing = new EditingDoc();
    const written = entries(0, 30);
    await Promise.all(written.flatMap((e, i) => [store.append(id, editing.edit(i)), store.appendHistory(id, e)]));
    const dir = join(dataDir, 'docs', id);
    expect((await readdir(dir)).sort()).toEqual(['history.log', 'log.0', 'meta.json']);
    const before = await readFile(historyPath(id));
    expect(before.byteLength).toBe(offsetOf(written, 30));
    for (let round = 0; round < 3; round++) await store.compact(id, () => editing.snapshot());
    expect((await readdir(dir)).sort()).toEqual(['history.log', 'log.3', 'meta.json', 'snapshot.3']);
    expect(await readFile(historyPath(id))).toEqual(before);
    await store.close();
    // Reopening (the directory scan and its cleanup) leaves it alone too.
    const again = open();
    await again.load(id);
    expect(await again.readHistory(id)).toEqual(written);
    expect(await readFile(historyPath(id))).toEqual(before);
  });

  it('release() and close() close the history file handles', async () => {
    if (!existsSync('/proc/self/fd')) return;
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const store = open();
    const ids = await Promise.all(Array.from({ length: 10 }, () => newDoc(store)));
    const before = fds();
    await Promise.all(ids.map((id) => store.appendHistory(id, historyEntry(0))));
    expect(fds()).toBeGreaterThanOrEqual(before + 10);
    await Promise.all(ids.slice(0, 5).map((id) => store.release(id)));
    expect(fds()).toBeLessThanOrEqual(before + 5);
    await store.close();
    expect(fds()).toBeLessThanOrEqual(before);
  });
});

describe('[D8][D1] group commit of history entries', () => {
  it('[D1] entries of one document made in one tick go out in a single write, in the file when they resolve', async () => {
    const io = historyIo();
    const store = open({ io, fsyncIntervalMs: 1000 });
    const id = await newDoc(store);
    const written = entries(0, 100);
    await Promise.all(written.map((e) => store.appendHistory(id, e)));
    expect(io.writes).toEqual([offsetOf(written, 100)]);
    expect((await stat(historyPath(id))).size).toBe(offsetOf(written, 100));
    expect(io.datasyncs).toBe(0);
  });

  it('[D1] fsyncIntervalMs 0: every batch is fdatasynced before its entries resolve', async () => {
    const io = historyIo();
    const store = open({ io, fsyncIntervalMs: 0 });
    const id = await newDoc(store);
    for (let i = 0; i < 4; i++) {
      await store.appendHistory(id, historyEntry(i));
      expect(io.datasyncs).toBe(i + 1);
    }
  });

  it('[D1] fsyncIntervalMs > 0: the store-wide timer fdatasyncs the history file later; flush() does it now', async () => {
    const io = historyIo();
    const store = open({ io, fsyncIntervalMs: 40 });
    const id = await newDoc(store);
    const started = Date.now();
    await store.appendHistory(id, historyEntry(0));
    expect(io.datasyncs).toBe(0);
    while (io.datasyncs < 1 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(io.datasyncs).toBe(1);
    await store.appendHistory(id, historyEntry(1));
    await store.flush(id);
    expect(io.datasyncs).toBe(2);
    await store.flush();
    expect(io.datasyncs).toBe(2); // nothing dirty left
    await store.appendHistory(id, historyEntry(2));
    await store.close();
    expect(io.datasyncs).toBe(3);
  });

  it('[D6] a failed write rejects exactly its entries and rolls the file back; later entries work', async () => {
    const io = historyIo();
    const { logger, entries: logged } = recordingLogger();
    const store = open({ io, logger });
    const id = await newDoc(store);
    const good = entries(0, 3);
    await Promise.all(good.map((e) => store.appendHistory(id, e)));
    io.fail = true;
    const results = await Promise.allSettled(entries(10, 4).map((e) => store.appendHistory(id, e)));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'ENOSPC')).toBe(true);
    expect((await stat(historyPath(id))).size).toBe(offsetOf(good, 3));
    expect(logged.find((e) => e.level === 'error')?.obj).toMatchObject({ docId: id });
    io.fail = false;
    await store.appendHistory(id, historyEntry(3));
    await store.close();
    expect(await open().readHistory(id)).toEqual(entries(0, 4));
  });
});

describe('[D8][D4] a torn or corrupt history tail', () => {
  const written = entries(0, 10);
  const cases: { name: string; damage(path: string): Promise<void>; kept: number }[] = [
    { name: 'cut in the middle of the last entry', damage: (p) => truncate(p, offsetOf(written, 9) + 8 + 1), kept: 9 },
    { name: 'cut inside the last header', damage: (p) => truncate(p, offsetOf(written, 9) + 3), kept: 9 },
    { name: 'garbage after the last entry', damage: (p) => appendFile(p, Buffer.from('garbage!!')), kept: 10 },
    { name: 'a zero-filled tail', damage: (p) => appendFile(p, Buffer.alloc(64)), kept: 10 },
    {
      name: 'a flipped byte inside entry 6',
      damage: async (p) => {
        const bytes = await readFile(p);
        const at = offsetOf(written, 6) + 8;
        bytes[at] = bytes[at]! ^ 0x40;
        await writeFile(p, bytes);
      },
      kept: 6,
    },
  ];

  it.each(cases)('[D4] $name: the valid prefix is kept, the file cut back with a warning, later entries follow it', async (c) => {
    let store = open();
    const id = await newDoc(store);
    await Promise.all(written.map((e) => store.appendHistory(id, e)));
    await store.close();
    await c.damage(historyPath(id));
    const damagedSize = (await stat(historyPath(id))).size;

    const { logger, entries: logged } = recordingLogger();
    store = open({ logger });
    expect(await store.readHistory(id)).toEqual(written.slice(0, c.kept));
    expect((await stat(historyPath(id))).size).toBe(offsetOf(written, c.kept));
    const warning = logged.find((e) => e.level === 'warn' && e.obj.file === 'history.log');
    expect(warning?.obj).toMatchObject({ docId: id, droppedBytes: damagedSize - offsetOf(written, c.kept) });

    await store.appendHistory(id, historyEntry(100));
    await store.close();
    expect(await open().readHistory(id)).toEqual([...written.slice(0, c.kept), historyEntry(100)]);
  });

  it('[D4] a torn tail is also cut back when the first thing after a restart is an append', async () => {
    let store = open();
    const id = await newDoc(store);
    await Promise.all(written.map((e) => store.appendHistory(id, e)));
    await store.close();
    await truncate(historyPath(id), offsetOf(written, 10) - 2);
    store = open();
    await store.appendHistory(id, historyEntry(100));
    expect(await store.readHistory(id)).toEqual([...written.slice(0, 9), historyEntry(100)]);
  });
});
