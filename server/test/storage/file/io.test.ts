/** File store I/O behaviour: layout, group commit, fsync policy, injected write errors [D6], path tricks [D7]. */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocStore } from '../../../src/storage/doc-store.js';
import { FileStore, type FileStoreOptions, type StoreIo } from '../../../src/storage/file/store.js';
import { defaultIo } from '../../../src/storage/file/fs-util.js';
import { INVALID_IDS } from '../contract.js';
import { content, EditingDoc, makeMeta, newDocId, rebuild, recordingLogger } from '../helpers.js';

let root: string;
let dataDir: string;
let stores: DocStore[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tandem-io-'));
  dataDir = join(root, 'data');
});
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
  stores = [];
  await rm(root, { recursive: true, force: true });
});

function open(options: Partial<FileStoreOptions> = {}): DocStore {
  const store = new FileStore({ dataDir, fsyncIntervalMs: 5, ...options });
  stores.push(store);
  return store;
}

async function newDoc(store: DocStore): Promise<string> {
  const id = newDocId();
  await store.create(makeMeta(id));
  return id;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const isLog = (path: string): boolean => /\/log\.\d+$/.test(path);

/** I/O that counts log writes and datasyncs and can be told to fail. */
function instrumentedIo() {
  const io = {
    logWrites: [] as number[],
    datasyncs: 0,
    failWrites: null as null | ((path: string) => 'fail' | 'half' | null),
    failDatasync: false,
    gate: null as Promise<void> | null,
    writev: (async (file, buffers, position) => {
      const bytes = buffers.reduce((s, b) => s + b.length, 0);
      if (isLog(file.path)) {
        io.logWrites.push(bytes);
        if (io.gate) await io.gate;
      }
      const mode = io.failWrites?.(file.path) ?? null;
      if (mode === 'fail') throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      if (mode === 'half') {
        // A short write: half of the batch reaches the file, then the next call fails.
        const half = Buffer.concat(buffers).subarray(0, Math.floor(bytes / 2));
        io.failWrites = () => 'fail';
        return defaultIo.writev(file, [half], position);
      }
      return defaultIo.writev(file, buffers, position);
    }) as StoreIo['writev'],
    datasync: (async (file) => {
      io.datasyncs++;
      if (io.failDatasync) throw Object.assign(new Error('input/output error'), { code: 'EIO' });
      return defaultIo.datasync(file);
    }) as StoreIo['datasync'],
  };
  return io;
}

describe('on-disk layout', () => {
  it('meta.json, then log.0, then generation files on compaction', async () => {
    const store = open();
    const meta = makeMeta(newDocId(), 2);
    await store.create(meta);
    const dir = join(dataDir, 'docs', meta.id);
    expect(await readdir(dir)).toEqual(['meta.json']);
    expect(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'))).toEqual(meta);
    const editing = new EditingDoc();
    await store.append(meta.id, editing.edit(0));
    expect((await readdir(dir)).sort()).toEqual(['log.0', 'meta.json']);
    await store.compact(meta.id, () => editing.snapshot());
    // [D9] The verified snapshot covers log.0, which goes.
    expect((await readdir(dir)).sort()).toEqual(['log.1', 'meta.json', 'snapshot.1']);
    expect((await readFile(join(dir, 'snapshot.1'))).subarray(0, 4).toString()).toBe('TDSN');
  });

  it('release() and close() close the log file handles', async () => {
    if (!existsSync('/proc/self/fd')) return;
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const store = open();
    const ids = await Promise.all(Array.from({ length: 12 }, () => newDoc(store)));
    const before = fds();
    await Promise.all(ids.map((id) => store.append(id, new EditingDoc().edit(0))));
    expect(fds()).toBeGreaterThanOrEqual(before + 12);
    await Promise.all(ids.slice(0, 6).map((id) => store.release(id)));
    expect(fds()).toBeLessThanOrEqual(before + 6);
    await store.close();
    expect(fds()).toBeLessThanOrEqual(before);
  });
});

describe('group commit', () => {
  it('[D1] appends of one document made in one tick go out in a single write', async () => {
    const io = instrumentedIo();
    const store = open({ io });
    const id = await newDoc(store);
    const editing = new EditingDoc();
    const updates = Array.from({ length: 100 }, (_, i) => editing.edit(i));
    await Promise.all(updates.map((u) => store.append(id, u)));
    expect(io.logWrites).toEqual([updates.reduce((s, u) => s + 8 + u.byteLength, 0)]);
  });

  it('[D1] appends made while a write is in flight are coalesced into the next write, in order', async () => {
    const io = instrumentedIo();
    const store = open({ io });
    const id = await newDoc(store);
    let openGate!: () => void;
    io.gate = new Promise((r) => (openGate = r));
    const editing = new EditingDoc();
    const settled: number[] = [];
    const writes = [store.append(id, editing.edit(0)).then(() => settled.push(0))];
    try {
      while (io.logWrites.length === 0) await tick(); // the first write is now stuck at the gate
      for (let i = 1; i <= 20; i++) {
        writes.push(store.append(id, editing.edit(i)).then(() => settled.push(i)));
        if (i % 5 === 0) await tick();
      }
      expect(io.logWrites).toHaveLength(1);
      expect(settled).toEqual([]);
    } finally {
      io.gate = null;
      openGate();
    }
    await Promise.all(writes);
    expect(io.logWrites).toHaveLength(2);
    expect(settled).toEqual(Array.from({ length: 21 }, (_, i) => i));
  });

  it('[D1] an append resolves only once its bytes are in the file', async () => {
    const store = open({ fsyncIntervalMs: 1000 });
    const id = await newDoc(store);
    const path = join(dataDir, 'docs', id, 'log.0');
    const editing = new EditingDoc();
    let expected = 0;
    for (let i = 0; i < 5; i++) {
      const update = editing.edit(i);
      expected += 8 + update.byteLength;
      await store.append(id, update);
      expect((await stat(path)).size).toBe(expected);
    }
  });

  it('[D1] fsyncIntervalMs 0: every batch is fdatasynced before its appends resolve', async () => {
    const io = instrumentedIo();
    const store = open({ io, fsyncIntervalMs: 0 });
    const id = await newDoc(store);
    const editing = new EditingDoc();
    for (let i = 0; i < 5; i++) {
      await store.append(id, editing.edit(i));
      expect(io.datasyncs).toBe(i + 1);
    }
  });

  it('[D1] fsyncIntervalMs > 0: one timer fsyncs every dirty log later; flush() fsyncs now', async () => {
    const io = instrumentedIo();
    const store = open({ io, fsyncIntervalMs: 40 });
    const ids = await Promise.all([newDoc(store), newDoc(store), newDoc(store)]);
    const started = Date.now();
    await Promise.all(ids.flatMap((id) => [0, 1, 2].map((i) => store.append(id, new EditingDoc().edit(i)))));
    expect(io.datasyncs).toBe(0);
    while (io.datasyncs < 3 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(io.datasyncs).toBe(3);
    await store.append(ids[0]!, new EditingDoc().edit(5));
    await store.flush(ids[0]!);
    expect(io.datasyncs).toBe(4);
    await store.flush();
    expect(io.datasyncs).toBe(4); // nothing dirty left
    await store.append(ids[1]!, new EditingDoc().edit(6));
    await store.close();
    expect(io.datasyncs).toBe(5);
  });
});

describe('[D6] write errors', () => {
  it('[D6] ENOSPC rejects exactly the affected appends; the file stays consistent and later appends work', async () => {
    const io = instrumentedIo();
    const { logger, entries } = recordingLogger();
    let store = open({ io, logger });
    const id = await newDoc(store);
    const editing = new EditingDoc();
    const good = [editing.edit(0), editing.edit(1)];
    await Promise.all(good.map((u) => store.append(id, u)));
    const sizeBefore = (await stat(join(dataDir, 'docs', id, 'log.0'))).size;

    io.failWrites = () => 'fail';
    const lost = [new EditingDoc().edit(10), new EditingDoc().edit(11)];
    const results = await Promise.allSettled(lost.map((u) => store.append(id, u)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ENOSPC' });
    expect((await stat(join(dataDir, 'docs', id, 'log.0'))).size).toBe(sizeBefore);
    expect(entries.find((e) => e.level === 'error')?.obj).toMatchObject({ docId: id });

    io.failWrites = null;
    const after = editing.edit(2);
    await store.append(id, after);
    expect((await store.load(id))!.log).toEqual([...good, after]);
    await store.close();
    store = open();
    expect((await store.load(id))!.log).toEqual([...good, after]);
  });

  it('[D6] a short write followed by an error is rolled back to the last good length', async () => {
    const io = instrumentedIo();
    const { logger, entries } = recordingLogger();
    let store = open({ io });
    const id = await newDoc(store);
    const editing = new EditingDoc();
    const first = editing.edit(0);
    await store.append(id, first);
    io.failWrites = () => 'half';
    const batch = Array.from({ length: 6 }, (_, i) => store.append(id, new EditingDoc().edit(100 + i)));
    const results = await Promise.allSettled(batch);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((await stat(join(dataDir, 'docs', id, 'log.0'))).size).toBe(8 + first.byteLength);
    io.failWrites = null;
    const second = editing.edit(1);
    await store.append(id, second);
    await store.close();
    store = open({ logger });
    expect((await store.load(id))!.log).toEqual([first, second]);
    expect(entries.filter((e) => e.level !== 'info')).toEqual([]); // no torn tail to repair
  });

  it('[D6] with fsyncIntervalMs 0 a failed fdatasync rejects the batch and rolls it back', async () => {
    const io = instrumentedIo();
    const store = open({ io, fsyncIntervalMs: 0 });
    const id = await newDoc(store);
    const editing = new EditingDoc();
    const first = editing.edit(0);
    await store.append(id, first);
    io.failDatasync = true;
    await expect(store.append(id, new EditingDoc().edit(50))).rejects.toMatchObject({ code: 'EIO' });
    io.failDatasync = false;
    const second = editing.edit(1);
    await store.append(id, second);
    expect((await store.load(id))!.log).toEqual([first, second]);
  });

  it('[D6] a failing document does not disturb the others', async () => {
    const io = instrumentedIo();
    const store = open({ io });
    const [bad, good] = [await newDoc(store), await newDoc(store)];
    io.failWrites = (path) => (path.includes(bad) ? 'fail' : null);
    const editing = new EditingDoc();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => [store.append(bad, new EditingDoc().edit(i)), store.append(good, editing.edit(i))]).flat(),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => ['rejected', 'fulfilled']).flat());
    expect(content(rebuild((await store.load(good))!))).toEqual(content(editing.doc));
    expect((await store.load(bad))!.log).toEqual([]);
  });
});

describe('[D3][D6] compaction errors', () => {
  it('[D3][D6] a failed snapshot write rejects compact, leaves no temp file and loses nothing', async () => {
    const io = instrumentedIo();
    let store = open({ io });
    const id = await newDoc(store);
    const editing = new EditingDoc();
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(id, editing.edit(i))));
    io.failWrites = (path) => (path.endsWith('.tmp') ? 'half' : null);
    await expect(store.compact(id, () => editing.snapshot())).rejects.toMatchObject({ code: 'ENOSPC' });
    io.failWrites = null;
    const dir = join(dataDir, 'docs', id);
    expect((await readdir(dir)).sort()).toEqual(['log.0', 'log.1', 'meta.json']); // the cut happened, no snapshot
    await store.append(id, editing.edit(10));
    await store.close();
    store = open({ io });
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
    await store.compact(id, () => editing.snapshot());
    expect((await store.load(id))!.log).toEqual([]);
    expect(content(rebuild((await store.load(id))!))).toEqual(content(editing.doc));
  });
});

describe('[D7] path tricks', () => {
  it('[D7] invalid ids are rejected and nothing is created outside dataDir', async () => {
    const store = open();
    await mkdir(dataDir, { recursive: true });
    const update = new EditingDoc().edit(0);
    for (const id of INVALID_IDS) {
      const calls = [
        store.create(makeMeta(id)),
        store.putMeta(makeMeta(id)),
        store.getMeta(id),
        store.load(id),
        store.append(id, update),
        store.compact(id, () => update),
        store.flush(id),
        store.release(id),
      ];
      for (const r of await Promise.allSettled(calls)) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason?.name).toBe('InvalidDocIdError');
      }
    }
    const everything = (await readdir(root, { recursive: true })).map((p) => relative(root, join(root, p)));
    expect(everything).toEqual(['data']);
  });
});
