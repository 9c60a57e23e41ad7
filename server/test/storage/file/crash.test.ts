/**
 * Real crashes: a child process (crash-child.ts) is SIGKILLed while appending [D1], in the middle of a
 * compaction [D3] or while writing history entries and versions [HI2][HI4]; the parent then reopens the data
 * directory and checks that nothing acknowledged is missing.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompactionStep } from '../../../src/storage/file/store.js';
import { FileStore } from '../../../src/storage/file/store.js';
import { rebuild, recordingLogger } from '../helpers.js';
import { buildChild, runChild, type ChildBuild, type ChildResult } from './child-process.js';
import { crashHistoryEntry, crashVersionSnapshot, crashVersionTime } from './crash-scenario.js';

const DOC_ID = 'crashdoc_0001'; // crash-child.ts's CRASH_DOC_ID
const CHILD_TEST_TIMEOUT = 20_000; // child processes are slow to start on a loaded machine
let build: ChildBuild;
const dirs: string[] = [];

beforeAll(async () => {
  build = await buildChild();
}, 30_000);
afterAll(async () => {
  await build?.remove();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-crash-'));
  dirs.push(dir);
  return dir;
}

/**
 * Reopens `dataDir` and checks the document holds 0..k without gaps for some k >= every acknowledged number,
 * then that the recovered store still takes appends and compactions. Returns k + 1.
 */
async function verifyRecovered(dataDir: string, result: ChildResult): Promise<number> {
  const { logger, entries } = recordingLogger();
  let store = new FileStore({ dataDir, fsyncIntervalMs: 5, logger });
  const doc = rebuild((await store.load(DOC_ID))!);
  const values = doc.getArray<number>('a').toArray();
  expect(values).toEqual(values.map((_, i) => i));
  expect(values.length).toBeGreaterThan(Math.max(-1, ...result.acked));
  expect(doc.store.pendingStructs).toBeNull();
  expect(entries.filter((e) => e.level === 'error')).toEqual([]);

  // Keep going from the recovered state.
  const extra = new Y.Doc();
  Y.applyUpdate(extra, Y.encodeStateAsUpdate(doc));
  extra.on('update', (u: Uint8Array) => void store.append(DOC_ID, u));
  extra.getArray<number>('a').push([values.length]);
  await store.compact(DOC_ID, () => Y.encodeStateAsUpdate(extra));
  extra.getArray<number>('a').push([values.length + 1]);
  await store.close();
  store = new FileStore({ dataDir, fsyncIntervalMs: 5 });
  const again = rebuild((await store.load(DOC_ID))!);
  expect(again.getArray('a').toArray()).toEqual([...values, values.length, values.length + 1]);
  await store.close();
  const names = await readdir(join(dataDir, 'docs', DOC_ID));
  expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  // [D9] The recovered store's compaction also dropped whatever the killed one left of older generations.
  const generations = names.filter((n) => /^(snapshot|log)\.\d+$/.test(n)).sort();
  expect(generations).toEqual([`log.${generations.length > 0 ? generations[0]!.split('.')[1] : '?'}`, `snapshot.${generations[0]?.split('.')[1]}`]);
  return values.length;
}

describe('[D3] compaction killed at every step', () => {
  // The files the third compaction (generation 2 -> 3) leaves behind when killed right before each step.
  // Each compaction drops every older generation once its snapshot is verified [D9], so only generation 2
  // (snapshot.2 + log.2) is there before it starts.
  const leftAt: [CompactionStep, string[]][] = [
    ['cut', ['log.2', 'snapshot.2']],
    ['write-snapshot', ['log.2', 'log.3', 'snapshot.2']],
    ['verify-snapshot', ['log.2', 'log.3', 'snapshot.2', 'snapshot.3.tmp']],
    ['rename-snapshot', ['log.2', 'log.3', 'snapshot.2', 'snapshot.3.tmp']],
    // Between the publishing of the verified snapshot and the deletion of what it covers.
    ['delete-old', ['log.2', 'log.3', 'snapshot.2', 'snapshot.3']],
    ['done', ['log.3', 'snapshot.3']],
  ];

  it.each(leftAt)('[D3] SIGKILL right before step "%s" loses nothing acknowledged', async (step, files) => {
    const dataDir = await freshDataDir();
    const result = await runChild(build, [dataDir, 'compact', step]);
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout).toContain(`killed-at ${step}`);
    expect((await readdir(join(dataDir, 'docs', DOC_ID))).sort()).toEqual(['meta.json', ...files].sort());
    // Phases 1 and 2 (80 edits) plus the first half of phase 3 were acknowledged before the third compaction.
    expect(result.acked.length).toBeGreaterThanOrEqual(120);
    await verifyRecovered(dataDir, result);
  }, CHILD_TEST_TIMEOUT);

  it('[D3] the child runs to the end when not killed (sanity check of the scenario)', async () => {
    const dataDir = await freshDataDir();
    const result = await runChild(build, [dataDir, 'compact', 'none']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.acked).toHaveLength(240);
    expect(await verifyRecovered(dataDir, result)).toBe(240);
    // Three compactions, then verifyRecovered's fourth: only generation 4 is left [D9].
    expect((await readdir(join(dataDir, 'docs', DOC_ID))).sort()).toEqual(['log.4', 'meta.json', 'snapshot.4']);
  }, CHILD_TEST_TIMEOUT);
});

describe('[D1] SIGKILL while appending', () => {
  it('[D1] every acknowledged append survives a SIGKILL from outside (fsync interval 1 s)', async () => {
    const dataDir = await freshDataDir();
    const result = await runChild(build, [dataDir, 'append'], 700);
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGKILL');
    expect(result.acked.length).toBeGreaterThanOrEqual(700);
    await verifyRecovered(dataDir, result);
  }, CHILD_TEST_TIMEOUT);
});

describe('[D8][HI2][HI4] SIGKILL while writing history entries and versions', () => {
  // The delays move the kill around the child's loop: between entries, inside a put, a delete or a rewrite.
  it.each([
    [150, 0],
    [200, 4],
    [250, 9],
    [300, 13],
  ])(
    '[HI2][HI4] killed %i acknowledged entries + %i ms in: every acknowledged entry and version is there, each version whole',
    async (kill, delayMs) => {
      const dataDir = await freshDataDir();
      const result = await runChild(build, [dataDir, 'history'], kill, delayMs);
      expect(result.stderr).toBe('');
      expect(result.signal).toBe('SIGKILL');
      const lines = (word: string): number[] =>
        [...result.stdout.matchAll(new RegExp(`^${word} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
      const lastVersion = Math.max(-1, ...lines('version'));
      expect(lastVersion).toBeGreaterThanOrEqual(Math.floor(kill / 10) * 10 - 20);

      const { logger, entries } = recordingLogger();
      let store = new FileStore({ dataDir, fsyncIntervalMs: 5, logger });
      const history = (await store.readHistory(DOC_ID)).map((e) => Buffer.from(e).toString());
      expect(history).toEqual(history.map((_, i) => `entry ${i}`));
      expect(history.length).toBeGreaterThan(Math.max(...result.acked));

      // v<last> and the two before it were durable and not yet deleted; at most the delete of the one before
      // them and the put of the next one were in flight. Each version present must be whole.
      const versions = await store.listVersions(DOC_ID);
      const present = versions.map((v) => Number(v.id.slice(1)));
      const mustHave = [lastVersion - 20, lastVersion - 10, lastVersion].filter((n) => n >= 0);
      const mayHave = [lastVersion - 30, ...mustHave, lastVersion + 10];
      expect(present).toEqual([...present].sort((a, b) => a - b));
      expect(present).toEqual(expect.arrayContaining(mustHave));
      for (const n of present) expect(mayHave).toContain(n);
      for (const v of versions) {
        const n = Number(v.id.slice(1));
        expect(v).toMatchObject({ createdAt: crashVersionTime(n), inserted: n, changes: n + 10, authors: [{ name: `author ${n}`, color: null }] });
        expect(Buffer.from(v.snapshot).equals(crashVersionSnapshot(n))).toBe(true);
      }
      expect(entries.filter((e) => e.level === 'error')).toEqual([]);

      // The recovered store keeps going.
      await store.appendHistory(DOC_ID, crashHistoryEntry(history.length));
      await store.deleteVersions(DOC_ID, present.map((n) => `v${n}`));
      await store.close();
      store = new FileStore({ dataDir, fsyncIntervalMs: 5 });
      expect(await store.readHistory(DOC_ID)).toHaveLength(history.length + 1);
      expect(await store.listVersions(DOC_ID)).toEqual([]);
      await store.close();
      expect((await readdir(join(dataDir, 'docs', DOC_ID))).sort()).toEqual(['history.log', 'meta.json', 'versions.log']);
    },
    CHILD_TEST_TIMEOUT,
  );
});
