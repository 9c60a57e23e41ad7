/**
 * The file store's versions file [HI4]: durability before resolving, what a crash in the middle of a write
 * leaves [D4], reclaiming dead space, and version ids that never reach the file system [D7][HI7].
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredVersion } from '../../../src/storage/doc-store.js';
import { defaultIo } from '../../../src/storage/file/fs-util.js';
import { FileStore, type FileStoreOptions, type StoreIo } from '../../../src/storage/file/store.js';
import { REWRITE_MIN_DEAD_BYTES } from '../../../src/storage/file/versions-file.js';
import { makeMeta, newDocId, recordingLogger } from '../helpers.js';
import { BAD_VERSION_IDS, makeVersion } from '../history-contract.js';

let root: string;
let dataDir: string;
let stores: FileStore[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tandem-versions-'));
  dataDir = join(root, 'data');
});
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
  stores = [];
  await rm(root, { recursive: true, force: true });
});

function open(options: Partial<FileStoreOptions> = {}): FileStore {
  const store = new FileStore({ dataDir, fsyncIntervalMs: 1000, ...options });
  stores.push(store);
  return store;
}

async function newDoc(store: FileStore): Promise<string> {
  const id = newDocId();
  await store.create(makeMeta(id));
  return id;
}

const versionsPath = (id: string): string => join(dataDir, 'docs', id, 'versions.log');
const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const ids = (versions: StoredVersion[]): string[] => versions.map((v) => v.id);

/** A version with its snapshot replaced by a digest: comparing 300 KB typed arrays element-wise takes seconds. */
const digest = (v: StoredVersion | null): unknown =>
  v && { ...v, snapshot: `${v.snapshot.byteLength}:${createHash('sha256').update(v.snapshot).digest('hex')}` };
const digests = (versions: StoredVersion[]): unknown[] => versions.map(digest);

/** Every file under `dir` with its bytes, by relative path. */
async function treeContents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[relative(dir, path)] = (await readFile(path)).toString('base64');
    }
  }
  return out;
}

/** I/O that counts datasyncs of versions.log and can fail writes to files whose name `failOn` matches. */
function versionsIo() {
  const io = {
    datasyncs: 0,
    failOn: null as RegExp | null,
    writev: (async (file, buffers, position) => {
      if (io.failOn?.test(basename(file.path))) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return defaultIo.writev(file, buffers, position);
    }) as StoreIo['writev'],
    datasync: (async (file) => {
      if (basename(file.path) === 'versions.log') io.datasyncs++;
      return defaultIo.datasync(file);
    }) as StoreIo['datasync'],
  };
  return io;
}

/** Three versions put, the store closed; returns them and the file size after each put. */
async function threeVersions(): Promise<{ id: string; versions: StoredVersion[]; sizes: number[] }> {
  const store = open();
  const id = await newDoc(store);
  const versions = [makeVersion('v1', at(1)), makeVersion('v2', at(2), { name: 'two' }, 5000), makeVersion('v3', at(3), {}, 3000)];
  const sizes: number[] = [];
  for (const v of versions) {
    await store.putVersion(id, v);
    sizes.push((await stat(versionsPath(id))).size);
  }
  await store.close();
  return { id, versions, sizes };
}

describe('[HI4] durability', () => {
  it('[D8][HI4] putVersion and deleteVersions fdatasync versions.log before resolving', async () => {
    const io = versionsIo();
    const store = open({ io });
    const id = await newDoc(store);
    await store.putVersion(id, makeVersion('v1', at(1)));
    expect(io.datasyncs).toBe(1);
    await store.putVersion(id, makeVersion('v1', at(1), { name: 'again' }));
    expect(io.datasyncs).toBe(2);
    await store.deleteVersions(id, ['v1']);
    expect(io.datasyncs).toBe(3);
    await store.deleteVersions(id, ['v1', 'never']); // nothing to delete: nothing written
    expect(io.datasyncs).toBe(3);
    expect((await readdir(join(dataDir, 'docs', id))).sort()).toEqual(['meta.json', 'versions.log']);
  });

  it('[D6] a failed put rejects, leaves the earlier versions as they were, and later puts work', async () => {
    const io = versionsIo();
    const store = open({ io });
    const id = await newDoc(store);
    await store.putVersion(id, makeVersion('v1', at(1)));
    const size = (await stat(versionsPath(id))).size;
    io.failOn = /^versions\.log$/;
    await expect(store.putVersion(id, makeVersion('v2', at(2)))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(store.deleteVersions(id, ['v1'])).rejects.toMatchObject({ code: 'ENOSPC' });
    expect((await stat(versionsPath(id))).size).toBe(size);
    io.failOn = null;
    await store.putVersion(id, makeVersion('v3', at(3)));
    await store.close();
    expect(ids(await open().listVersions(id))).toEqual(['v1', 'v3']);
  });
});

describe('[D8][D4] a crash in the middle of a version write', () => {
  const damages: { name: string; damage(path: string, sizes: number[]): Promise<void>; kept: string[] }[] = [
    { name: 'the last put cut short (a few bytes missing)', damage: (p, s) => truncate(p, s[2]! - 3), kept: ['v1', 'v2'] },
    { name: 'the last put cut inside its header', damage: (p, s) => truncate(p, s[1]! + 5), kept: ['v1', 'v2'] },
    {
      name: 'the last bytes of the last put garbled',
      damage: async (p) => {
        const bytes = await readFile(p);
        bytes.fill(0xee, bytes.length - 16);
        await writeFile(p, bytes);
      },
      kept: ['v1', 'v2'],
    },
    { name: 'a zero-filled tail after the last put', damage: (p) => appendFile(p, Buffer.alloc(100)), kept: ['v1', 'v2', 'v3'] },
  ];

  it.each(damages)('[D4] $name: the earlier versions are intact, the file is cut back, later puts work', async (c) => {
    const { id, versions, sizes } = await threeVersions();
    await c.damage(versionsPath(id), sizes);
    const { logger, entries } = recordingLogger();
    let store = open({ logger });
    const expected = versions.filter((v) => c.kept.includes(v.id));
    expect(await store.listVersions(id)).toEqual(expected);
    for (const v of expected) expect(await store.getVersion(id, v.id)).toEqual(v);
    expect((await stat(versionsPath(id))).size).toBe(sizes[c.kept.length - 1]);
    expect(entries.find((e) => e.level === 'warn')?.obj).toMatchObject({ docId: id, file: 'versions.log' });

    const later = makeVersion('v4', at(4));
    await store.putVersion(id, later);
    await store.close();
    store = open();
    expect(await store.listVersions(id)).toEqual([...expected, later]);
  });

  it('[D4] a delete cut short never happened: the versions it named are still there', async () => {
    const { id, versions } = await threeVersions();
    let store = open();
    await store.deleteVersions(id, ['v1', 'v3']);
    await store.close();
    await truncate(versionsPath(id), (await stat(versionsPath(id))).size - 2);
    store = open();
    expect(await store.listVersions(id)).toEqual(versions);
  });

  it('a rewrite cut short leaves versions.log.tmp, which is ignored and removed', async () => {
    const { id, versions } = await threeVersions();
    await writeFile(`${versionsPath(id)}.tmp`, 'half a rewrite');
    const store = open();
    expect(await store.listVersions(id)).toEqual(versions);
    expect(await readdir(join(dataDir, 'docs', id))).not.toContain('versions.log.tmp');
  });
});

describe('[D8][HI4] reclaiming space of replaced and deleted versions', () => {
  const big = (id: string, second: number): StoredVersion => makeVersion(id, at(second), { name: id }, 300 * 1024);

  it('[HI4] once dead bytes outweigh live ones the file is rewritten, keeping order and content', async () => {
    let store = open();
    const id = await newDoc(store);
    for (let i = 0; i < 6; i++) await store.putVersion(id, big(`v${i}`, 10));
    await store.putVersion(id, big('v0', 10)); // replaced in place: dead bytes, same place in the order
    const keep = ['v0', 'v2', 'v5'];
    expect((await stat(versionsPath(id))).size).toBeGreaterThan(7 * 300 * 1024);
    await store.deleteVersions(id, ['v1', 'v3']);
    expect((await stat(versionsPath(id))).size).toBeGreaterThan(7 * 300 * 1024); // 3 dead records < 4 live: kept
    await store.deleteVersions(id, ['v4']); // 4 dead > 3 live, and over REWRITE_MIN_DEAD_BYTES
    const size = (await stat(versionsPath(id))).size;
    expect(size).toBeLessThan(3.1 * 300 * 1024);
    expect(size).toBeGreaterThan(3 * 300 * 1024);
    const expected = keep.map((v) => big(v, 10));
    expect(digests(await store.listVersions(id))).toEqual(digests(expected));
    expect(digest(await store.getVersion(id, 'v5'))).toEqual(digest(expected[2]!));
    // The index follows the new file: more changes, then a restart, read back the same.
    await store.putVersion(id, big('v6', 10));
    await store.deleteVersions(id, ['v2']);
    await store.close();
    store = open();
    expect(digests(await store.listVersions(id))).toEqual(digests([big('v0', 10), big('v5', 10), big('v6', 10)]));
    expect(await readdir(join(dataDir, 'docs', id))).not.toContain('versions.log.tmp');
  });

  it('[HI4] a failed rewrite does not fail the delete; the versions stay right and a later rewrite succeeds', async () => {
    const io = versionsIo();
    const { logger, entries } = recordingLogger();
    let store = open({ io, logger });
    const id = await newDoc(store);
    for (let i = 0; i < 6; i++) await store.putVersion(id, big(`v${i}`, i));
    io.failOn = /\.tmp$/;
    await store.deleteVersions(id, ['v0', 'v1', 'v2', 'v3']);
    expect(entries.find((e) => e.level === 'warn')?.msg).toMatch(/rewrite failed/);
    expect(await readdir(join(dataDir, 'docs', id))).not.toContain('versions.log.tmp');
    expect(ids(await store.listVersions(id))).toEqual(['v4', 'v5']);
    io.failOn = null;
    await store.deleteVersions(id, ['v4']);
    expect((await stat(versionsPath(id))).size).toBeLessThan(1.1 * 300 * 1024);
    await store.close();
    store = open();
    expect(digests(await store.listVersions(id))).toEqual(digests([big('v5', 5)]));
  });

  it('small dead space is left alone (a rewrite copies every live snapshot)', async () => {
    const store = open();
    const id = await newDoc(store);
    for (let i = 0; i < 20; i++) await store.putVersion(id, makeVersion(`v${i}`, at(i), {}, 1000));
    const size = (await stat(versionsPath(id))).size;
    expect(size).toBeLessThan(REWRITE_MIN_DEAD_BYTES);
    await store.deleteVersions(id, Array.from({ length: 19 }, (_, i) => `v${i}`));
    expect((await stat(versionsPath(id))).size).toBeGreaterThan(size);
    expect(ids(await store.listVersions(id))).toEqual(['v19']);
  });
});

describe('[D7][HI7] version ids never reach the file system', () => {
  it('[D7][D8] bad version ids change nothing on disk, and invalid document ids create nothing', async () => {
    const store = open();
    const id = await newDoc(store);
    await store.putVersion(id, makeVersion('good', at(1)));
    await store.appendHistory(id, new Uint8Array([1]));
    await store.flush();
    const before = await treeContents(root);
    for (const bad of BAD_VERSION_IDS) {
      expect(await store.getVersion(id, bad)).toBeNull();
      await expect(store.putVersion(id, makeVersion(bad, at(2)))).rejects.toThrow();
    }
    await store.deleteVersions(id, BAD_VERSION_IDS);
    for (const badDoc of ['../x', 'a/b', '..', 'abcdefgh/../../y', '']) {
      const results = await Promise.allSettled([
        store.appendHistory(badDoc, new Uint8Array([1])),
        store.readHistory(badDoc),
        store.putVersion(badDoc, makeVersion('v1', at(1))),
        store.listVersions(badDoc),
        store.getVersion(badDoc, 'v1'),
        store.deleteVersions(badDoc, ['v1']),
      ]);
      for (const r of results) expect((r as PromiseRejectedResult).reason?.name).toBe('InvalidDocIdError');
    }
    expect(await treeContents(root)).toEqual(before);
    const everything = (await readdir(root, { recursive: true })).map((p) => relative(root, join(root, p))).sort();
    expect(everything).toEqual(['data', 'data/docs', `data/docs/${id}`, ...['history.log', 'meta.json', 'versions.log'].map((n) => `data/docs/${id}/${n}`)]);
  });
});
