/**
 * The `tandem` CLI end to end [CLI1]–[CLI7]: the compiled bin as a child process against real data
 * directories, a real server (child process) with real y-websocket clients, and the tests' PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FileStoreReader } from '../../src/cli/file-reader.js';
import { canonicalState, diffDumps } from '../../src/cli/dump.js';
import { FileStore } from '../../src/storage/file/store.js';
import { connectClient, createDoc, synced, waitFor } from '../support/harness.js';
import { spawnServer, stopChild, type ChildServer } from '../integration/support.js';
import { adminQuery, sharedPostgresUrl } from '../storage/pg/helpers.js';
import { makeMeta, newDocId } from '../storage/helpers.js';
import { historyEntry } from '../storage/history-contract.js';
import { makePng } from '../support/images.js';
import { runCli, textOf, Writer } from './support.js';

const SECRET = 'cli-test-secret-0123456789abcdef0123456789';
const dirs: string[] = [];
const servers: ChildServer[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-cli-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(stopChild));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Everything in both updates, i.e. what a document that received both holds. */
/** A real PNG as a store holds it: addressed by its sha256. */
function pngUpload(width: number) {
  const bytes = makePng(width, 2);
  return { hash: createHash('sha256').update(bytes).digest('hex'), type: 'image/png', bytes };
}

const union = (a: Uint8Array, b: Uint8Array) => Y.mergeUpdates([a, b]);
/** Whether the state `inner` is contained in the state `outer`. */
const within = (inner: Uint8Array, outer: Uint8Array) => canonicalState(union(inner, outer)).equals(canonicalState(outer));

describe('[CLI1] usage', () => {
  it('[CLI1] usage errors exit 2 with one line on stderr, and change nothing', async () => {
    const dataDir = await tempDir();
    const env = { DATA_DIR: dataDir };
    for (const args of [[], ['frobnicate'], ['fsck', '--bogus'], ['backup'], ['restore', 'a', 'b'], ['mint-link', 'doc_x', '--scope', 'owner'], ['migrate', '--to', 'ftp']]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/tandem|usage/);
      expect(result.stdout).toBe('');
    }
    expect(await readdir(dataDir)).toEqual([]);
    // A bad configuration is a usage error too.
    expect((await runCli(['fsck'], { DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' })).code).toBe(2);
  });
});

describe('[CLI2][CLI3][CLI4] backup while people type, restore on a fresh DATA_DIR', () => {
  it('every document equals its state at the backup instant: all that was acknowledged before, nothing nobody typed', async () => {
    const liveDir = await tempDir();
    const server = await spawnServer(liveDir, { SECRET });
    servers.push(server);
    const docs = await Promise.all([1, 2, 3].map(() => createDoc(server.url)));
    // [UP4] An uploaded image goes into the backup and comes back with its document.
    const image = makePng(5, 4);
    const uploaded = await fetch(`${server.url}/api/docs/${docs[0]!.id}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${docs[0]!.editToken}` }, body: image });
    expect(uploaded.status).toBe(201);
    const { hash } = (await uploaded.json()) as { hash: string };
    const sessions = await Promise.all(
      docs.map(async ({ id, editToken }) => {
        const writer = connectClient(server.wsUrl, id, editToken, { doc: new Y.Doc({ gc: false }) });
        const observer = connectClient(server.wsUrl, id, editToken, { doc: new Y.Doc({ gc: false }) });
        await Promise.all([synced(writer.provider), synced(observer.provider)]);
        return { id, editToken, writer, observer };
      }),
    );
    // Typing goes on before, during and after the backup.
    let n = 0;
    const typing = setInterval(() => {
      for (const s of sessions) s.writer.text.insert(s.writer.text.length, `${n} `);
      n++;
    }, 5);
    try {
      await waitFor(() => sessions.every((s) => s.observer.text.length > 40), 'some typing relayed');
      // What the server acknowledged (relayed to the observer) is written to the OS before the relay [D1].
      const before = sessions.map((s) => Y.encodeStateAsUpdate(s.observer.doc));
      const archive = join(await tempDir(), 'backup.tdm');
      const result = await runCli(['backup', archive], { DATA_DIR: liveDir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('backed up 3 documents');
      // Nothing typed after the backup ended can be in it; everything typed until then may be.
      const after = sessions.map((s) => Y.encodeStateAsUpdate(s.writer.doc));
      clearInterval(typing);

      const freshDir = await tempDir();
      const restored = await runCli(['restore', archive], { DATA_DIR: freshDir });
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toContain('restored 3 documents');
      // Restoring twice is refused: the store is no longer empty.
      const again = await runCli(['restore', archive], { DATA_DIR: freshDir });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already holds documents');

      const second = await spawnServer(freshDir, { SECRET });
      servers.push(second);
      for (const [i, s] of sessions.entries()) {
        // The old link still opens the document: metadata (link generation) came back too.
        const reader = connectClient(second.wsUrl, s.id, s.editToken, { doc: new Y.Doc({ gc: false }) });
        await synced(reader.provider);
        const state = Y.encodeStateAsUpdate(reader.doc);
        expect(within(before[i]!, state), `${s.id} holds everything acknowledged before the backup`).toBe(true);
        expect(within(state, after[i]!), `${s.id} holds nothing beyond what was typed by the backup's end`).toBe(true);
        reader.destroy();
      }
      const served = await fetch(`${second.url}/api/docs/${docs[0]!.id}/uploads/${hash}`, { headers: { authorization: `Bearer ${docs[0]!.viewToken}` } });
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(image))).toBe(true);
    } finally {
      clearInterval(typing);
      for (const s of sessions) {
        s.writer.destroy();
        s.observer.destroy();
      }
    }
    // Two servers and three CLI runs: slow on a loaded machine.
  }, 120_000);

  it('[CLI2] a damaged archive is refused with exit 1 and nothing is written', async () => {
    const dataDir = await tempDir();
    const store = new FileStore({ dataDir, fsyncIntervalMs: 0 });
    const writer = new Writer();
    const id = newDocId();
    await store.create(makeMeta(id));
    await store.append(id, writer.type('hello'));
    await store.close();
    const archive = join(await tempDir(), 'b.tdm');
    expect((await runCli(['backup', archive], { DATA_DIR: dataDir })).code).toBe(0);
    const bytes = await readFile(archive);
    await writeFile(archive, bytes.subarray(0, bytes.length - 12));
    const target = await tempDir();
    const result = await runCli(['restore', archive], { DATA_DIR: target });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/archive|gzip/);
    expect(await readdir(target)).toEqual([]);
  });
});

describe('[CLI5] fsck', () => {
  /** Four documents, three then damaged the ways the storage tests damage them. */
  async function damagedStore(dataDir: string) {
    // The one compaction below stops (as a crash would) between publishing snapshot.1 and deleting log.0
    // [D9], so the logs from log.0 still hold the whole document when snapshot.1 is damaged.
    const stopBeforeDeleting = { beforeCompactionStep: (step: string) => { if (step === 'delete-old') throw new Error('stopped'); } };
    const store = new FileStore({ dataDir, fsyncIntervalMs: 0, hooks: stopBeforeDeleting });
    const make = async (parts: string[], compactAfter?: number) => {
      const id = newDocId();
      const writer = new Writer();
      await store.create(makeMeta(id));
      for (const [i, part] of parts.entries()) {
        await store.append(id, writer.type(part));
        if (compactAfter === i) await expect(store.compact(id, () => Y.encodeStateAsUpdate(writer.doc))).rejects.toThrow('stopped');
      }
      await store.appendHistory(id, historyEntry(1));
      return { id, text: writer.text, dir: join(dataDir, 'docs', id) };
    };
    const flipped = await make(['one ', 'two ', 'three ']);
    const torn = await make(['alpha ', 'beta ']);
    const snapshot = await make(['red ', 'green ', 'blue '], 1);
    const clean = await make(['fine']);
    // The other tails the storage tests inject (recovery.test.ts [D4]), plus history and versions files.
    const tails = await Promise.all(['header', 'garbage', 'zeros', 'length', 'history', 'versions'].map(async (kind) => ({ kind, ...(await make(['x ', 'y ', 'z '])) })));
    await store.putVersion(tails[5]!.id, new Writer().version('v1', 1));
    await store.close();

    const log0 = (doc: { dir: string }) => join(doc.dir, 'log.0');
    const recordStarts = (bytes: Buffer) => {
      const starts: number[] = [];
      for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) starts.push(at);
      return starts;
    };
    // A flipped byte inside the second log record's payload.
    const log = await readFile(log0(flipped));
    log[recordStarts(log)[1]! + 8 + 2]! ^= 0xff;
    await writeFile(log0(flipped), log);
    // A torn tail: half a record, as a crash mid-write leaves it.
    const handle = await open(log0(torn), 'a');
    await handle.write(Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    await handle.close();
    // A corrupt snapshot (loading falls back to the logs).
    const snap = await readFile(join(snapshot.dir, 'snapshot.1'));
    snap[snap.length - 1]! ^= 0x55;
    await writeFile(join(snapshot.dir, 'snapshot.1'), snap);
    for (const tail of tails) {
      const path = tail.kind === 'history' ? join(tail.dir, 'history.log') : tail.kind === 'versions' ? join(tail.dir, 'versions.log') : log0(tail);
      const bytes = await readFile(path);
      const last = recordStarts(bytes).at(-1)!;
      if (tail.kind === 'header') await writeFile(path, bytes.subarray(0, last + 5));
      if (tail.kind === 'garbage' || tail.kind === 'versions') await writeFile(path, Buffer.concat([bytes, Buffer.from('garbage!!')]));
      if (tail.kind === 'zeros') await writeFile(path, Buffer.concat([bytes, Buffer.alloc(64)]));
      if (tail.kind === 'length') {
        bytes.writeUInt32LE(3, last);
        await writeFile(path, bytes);
      }
      if (tail.kind === 'history') await writeFile(path, bytes.subarray(0, bytes.length - 2));
    }
    return { flipped, torn, snapshot, clean, tails };
  }

  it('[CLI5] finds a flipped byte, a torn tail and a corrupt snapshot, per document; --repair mends them as recovery does', async () => {
    const dataDir = await tempDir();
    const { flipped, torn, snapshot, clean, tails } = await damagedStore(dataDir);

    const checked = await runCli(['fsck'], { DATA_DIR: dataDir });
    expect(checked.code).toBe(1);
    const lines = checked.stderr.trim().split('\n');
    expect(lines.find((l) => l.startsWith(`${flipped.id}: log.0: corrupt-record: record checksum mismatch`))).toBeDefined();
    expect(lines.find((l) => l.startsWith(`${torn.id}: log.0: torn-tail`))).toBeDefined();
    expect(lines.find((l) => l.startsWith(`${snapshot.id}: snapshot.1: corrupt-snapshot: checksum mismatch; loading replays the logs from log.0`))).toBeDefined();
    for (const tail of tails) {
      const file = tail.kind === 'history' ? 'history.log' : tail.kind === 'versions' ? 'versions.log' : 'log.0';
      expect(lines.filter((l) => l.startsWith(`${tail.id}: ${file}: `)), tail.kind).toHaveLength(1);
    }
    expect(checked.stderr).not.toContain(clean.id);
    // One line per damaged file, then the summary.
    expect(lines, checked.stderr).toHaveLength(10);
    expect(lines.at(-1)).toBe('tandem fsck: 9 damaged documents');
    expect(checked.stdout).toContain('checked 10 documents');
    // Checking changed nothing (it is safe beside a running server).
    expect((await readFile(join(torn.dir, 'log.0'))).length).toBeGreaterThan(0);
    expect((await runCli(['fsck'], { DATA_DIR: dataDir })).stderr).toBe(checked.stderr);

    const repaired = await runCli(['fsck', '--repair'], { DATA_DIR: dataDir });
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('repaired 9 of 9');
    const after = await runCli(['fsck'], { DATA_DIR: dataDir });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);

    const store = new FileStore({ dataDir, fsyncIntervalMs: 0 });
    try {
      // Recovery keeps the records before the flipped one; the torn tail and the snapshot lose nothing.
      expect(textOf(await store.load(flipped.id))).toBe('one ');
      expect(textOf(await store.load(torn.id))).toBe(torn.text);
      expect(textOf(await store.load(snapshot.id))).toBe(snapshot.text);
      // [D10] Renamed aside, rebuilt from the logs, and the covered logs dropped [D9].
      expect((await readdir(snapshot.dir)).sort()).toEqual(['history.log', 'log.2', 'meta.json', 'snapshot.1.corrupt', 'snapshot.2']);
      for (const tail of tails) expect(textOf(await store.load(tail.id)), tail.kind).toBe(tail.kind === 'length' || tail.kind === 'header' ? 'x y ' : 'x y z ');
      expect(await store.listVersions(tails[5]!.id)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('[CLI5][D10] a corrupt snapshot with no older generation: reported as such; --repair renames it aside, rebuilds nothing, exit 1', async () => {
    const dataDir = await tempDir();
    const store = new FileStore({ dataDir, fsyncIntervalMs: 0 });
    const id = newDocId();
    const writer = new Writer();
    await store.create(makeMeta(id));
    await store.append(id, writer.type('before '));
    await store.compact(id, () => Y.encodeStateAsUpdate(writer.doc));
    await store.append(id, writer.type('after'));
    await store.close();
    const dir = join(dataDir, 'docs', id);
    expect((await readdir(dir)).sort()).toEqual(['log.1', 'meta.json', 'snapshot.1']);
    const snap = await readFile(join(dir, 'snapshot.1'));
    snap[snap.length - 1]! ^= 0x55;
    await writeFile(join(dir, 'snapshot.1'), snap);
    const log = await readFile(join(dir, 'log.1'));

    const checked = await runCli(['fsck'], { DATA_DIR: dataDir });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(new RegExp(`^${id}: snapshot\\.1: corrupt-snapshot: checksum mismatch; no older snapshot to fall back to`, 'm'));
    expect(checked.stderr).toMatch(new RegExp(`^${id}: log\\.1: missing-snapshot: .*restore it from a backup`, 'm'));

    for (let run = 0; run < 2; run++) {
      const repaired = await runCli(['fsck', '--repair'], { DATA_DIR: dataDir });
      expect(repaired.code).toBe(1);
      expect(repaired.stderr).toContain('still damaged');
      if (run === 0) expect(repaired.stderr).toContain(`${id}: snapshot.1 renamed to snapshot.1.corrupt; no older generation holds the whole document`);
      // Nothing deleted, nothing rebuilt from the partial logs; a second repair changes nothing.
      expect((await readdir(dir)).sort()).toEqual(['log.1', 'meta.json', 'snapshot.1.corrupt']);
      expect(await readFile(join(dir, 'snapshot.1.corrupt'))).toEqual(snap);
      expect(await readFile(join(dir, 'log.1'))).toEqual(log);
    }
  });

  it('[CLI5] an upload whose bytes no longer match its hash is reported, and left out of a backup', async () => {
    const dataDir = await tempDir();
    const store = new FileStore({ dataDir, fsyncIntervalMs: 0 });
    const id = newDocId();
    await store.create(makeMeta(id));
    const upload = pngUpload(3);
    await store.putUpload(id, upload);
    await store.close();
    const path = join(dataDir, 'docs', id, 'uploads', upload.hash);
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0xff, bytes.length - 3);
    await writeFile(path, bytes);
    const checked = await runCli(['fsck'], { DATA_DIR: dataDir });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`${id}: uploads/${upload.hash}: bad-upload`);
    const read = await new FileStoreReader(dataDir).read(id);
    expect(read!.dump!.uploads).toEqual([]);
  });

  it('[CLI5] a record that verifies but is no Yjs update is reported; --repair cannot mend it and says so (exit 1)', async () => {
    const dataDir = await tempDir();
    const store = new FileStore({ dataDir, fsyncIntervalMs: 0 });
    const id = newDocId();
    await store.create(makeMeta(id));
    await store.append(id, new Writer().type('kept'));
    await store.append(id, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    await store.close();
    const checked = await runCli(['fsck'], { DATA_DIR: dataDir });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(new RegExp(`^${id}: log: corrupt-record: record 2 of the replayed logs does not apply`, 'm'));
    const repaired = await runCli(['fsck', '--repair'], { DATA_DIR: dataDir });
    expect(repaired.code).toBe(1);
    expect(repaired.stderr).toContain('still damaged');
  });
});

describe('[CLI6] migrate', () => {
  it('[CLI6] file → PostgreSQL → file keeps every document identical (content, metadata, history, versions)', async () => {
    const sourceDir = await tempDir();
    const store = new FileStore({ dataDir: sourceDir, fsyncIntervalMs: 0 });
    for (let d = 0; d < 4; d++) {
      const id = newDocId();
      const writer = new Writer();
      await store.create(makeMeta(id, d));
      for (let i = 0; i < 5 + d; i++) {
        await store.append(id, writer.type(`doc ${d} step ${i}\n`));
        await store.appendHistory(id, historyEntry(i));
        if (i === 3) await store.compact(id, () => Y.encodeStateAsUpdate(writer.doc));
        if (i % 2 === 0) await store.putVersion(id, writer.version(`v${i}`, i));
      }
      // [UP4] Images travel too, byte for byte.
      if (d < 2) await store.putUpload(id, pngUpload(d + 1));
    }
    await store.create(makeMeta(newDocId())); // an empty document too
    await store.close();

    const server = await sharedPostgresUrl();
    const database = `cli_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    await adminQuery(server, `CREATE DATABASE ${database}`);
    const url = new URL(server);
    url.pathname = `/${database}`;
    const databaseUrl = url.toString();

    const toPg = await runCli(['migrate', '--to', 'pg', '--database-url', databaseUrl], { DATA_DIR: sourceDir });
    expect(toPg.stderr).toBe('');
    expect(toPg.code).toBe(0);
    expect(toPg.stdout).toContain('migrated 5 documents');
    expect(toPg.stdout).toContain('verified 5 identical');

    const pgFsck = await runCli(['fsck'], { DATABASE_URL: databaseUrl });
    expect(pgFsck.stderr).toBe('');
    expect(pgFsck.code).toBe(0);

    const backDir = await tempDir();
    const toFile = await runCli(['migrate', '--to', 'file', '--data-dir', backDir], { DATABASE_URL: databaseUrl });
    expect(toFile.stderr).toBe('');
    expect(toFile.code).toBe(0);
    // Into a store that is not empty: refused.
    const twice = await runCli(['migrate', '--to', 'file', '--data-dir', backDir], { DATABASE_URL: databaseUrl });
    expect(twice.code).toBe(2);

    // [CLI2] A backup from PostgreSQL (one REPEATABLE READ snapshot) restores to the same documents too.
    const archive = join(await tempDir(), 'pg.tdm');
    expect((await runCli(['backup', archive], { DATABASE_URL: databaseUrl })).code).toBe(0);
    const restoredDir = await tempDir();
    const restored = await runCli(['restore', archive], { DATA_DIR: restoredDir });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    const before = new FileStoreReader(sourceDir);
    const ids: string[] = [];
    for await (const id of before.listIds()) ids.push(id);
    expect(ids).toHaveLength(5);
    // The versions, history and uploads really travelled (not just equally absent on both sides).
    let uploads = 0;
    for (const id of ids) uploads += (await before.read(id))!.dump!.uploads.length;
    expect(uploads).toBe(2);
    expect((await before.read(ids[0]!))!.dump!.history.length + (await before.read(ids[1]!))!.dump!.history.length).toBeGreaterThan(0);
    for (const dir of [backDir, restoredDir]) {
      const after = new FileStoreReader(dir);
      for (const id of ids) {
        const a = await before.read(id);
        const b = await after.read(id);
        expect(a!.damage).toEqual([]);
        expect(b!.damage).toEqual([]);
        expect(diffDumps(a!.dump!, b!.dump), id).toEqual([]);
      }
    }
  });
});

describe('[CLI7] mint-link', () => {
  it('[CLI7] prints a link whose token the server accepts, with the secret the server generated', async () => {
    const dataDir = await tempDir();
    const server = await spawnServer(dataDir);
    servers.push(server);
    const { id } = await createDoc(server.url);
    const result = await runCli(['mint-link', id, '--scope', 'comment', '--expires', '1h'], {
      DATA_DIR: dataDir,
      PUBLIC_URL: 'https://docs.example.org',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const link = result.stdout.trim();
    expect(link.startsWith(`https://docs.example.org/d/${id}#token=`)).toBe(true);
    const token = link.split('#token=')[1]!;
    const answer = await fetch(`${server.url}/api/docs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);

    const missing = await runCli(['mint-link', newDocId(), '--scope', 'view'], { DATA_DIR: dataDir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such document');
  });
});
