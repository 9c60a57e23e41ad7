/**
 * [UP4] SIGKILL while an image upload is in flight, on the compiled server as `npm start` runs it (file
 * store): after a restart on the same DATA_DIR an upload's address serves either nothing (404) or its whole
 * bytes — never a truncated file —, a temp file left by the kill is never served as an upload, a retry of the
 * same bytes succeeds and is stored once, and every upload answered 201 before the kill is intact; storing
 * the retry removes the temp files [UP10].
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadInfo } from '@tandem/common/api';
import { createDoc, type CreatedDoc } from '../support/harness.js';
import { makePng, pngChunk } from '../support/images.js';
import { spawnServer, stopChild, type ChildServer } from './support.js';

const children: ChildServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map(stopChild));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const HASH = /^[0-9a-f]{64}$/;

/** Asserts `got` holds exactly `want` (a Buffer comparison: deep equality of a MiB is slow in vitest). */
function expectSameBytes(got: Uint8Array | null, want: Uint8Array, what: string): void {
  expect(got === null ? 'nothing' : { length: got.length, equal: Buffer.from(got).equals(want) }, what).toEqual({ length: want.length, equal: true });
}

/**
 * A valid PNG of about `size` bytes: a 2×2 image plus one private ancillary chunk of random bytes, so every
 * image is distinct and big enough that hashing, writing and fsyncing it take a few milliseconds.
 */
function bigPng(size: number): Uint8Array<ArrayBuffer> {
  return makePng(2, 2, [10, 20, 30], [pngChunk('prVt', randomBytes(size))]);
}

async function start(dataDir: string): Promise<ChildServer> {
  const server = await spawnServer(dataDir);
  children.push(server);
  return server;
}

async function kill(server: ChildServer): Promise<void> {
  server.child.kill('SIGKILL');
  const exit = await server.exited;
  expect(exit, `the server was still running when killed; its output:\n${server.output()}`).toEqual({ code: null, signal: 'SIGKILL' });
}

/**
 * One request on a connection of its own (`agent: false`): a kept-alive socket could outlive the server
 * process under it, and the tests here kill servers on purpose.
 */
function send(
  server: ChildServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs `bytes` as an upload; resolves with the status and JSON body. */
async function upload(server: ChildServer, doc: CreatedDoc, bytes: Uint8Array): Promise<{ status: number; info: UploadInfo }> {
  const res = await send(server, 'POST', `/api/docs/${doc.id}/uploads`, { authorization: `Bearer ${doc.editToken}` }, bytes);
  return { status: res.status, info: JSON.parse(res.body.toString('utf8')) as UploadInfo };
}

/**
 * Starts an upload announcing all of `bytes` in Content-Length but sending only the first `sendBytes`.
 * `flushed` resolves once those bytes are handed to the kernel; `answer` with the status (null when the
 * connection died first).
 */
function partialUpload(server: ChildServer, doc: CreatedDoc, bytes: Uint8Array, sendBytes: number) {
  let answer!: Promise<number | null>;
  const flushed = new Promise<void>((resolveFlushed) => {
    answer = new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/docs/${doc.id}/uploads`,
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${doc.editToken}`, 'content-length': String(bytes.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(null));
        },
      );
      req.on('error', () => resolve(null));
      req.write(bytes.subarray(0, sendBytes), () => resolveFlushed());
      if (sendBytes === bytes.length) req.end();
    });
  });
  return { flushed, answer };
}

/** What the server serves at an upload address: null for 404, else the bytes (any other status fails). */
async function served(server: ChildServer, doc: CreatedDoc, name: string): Promise<Uint8Array | null> {
  const res = await send(server, 'GET', `/api/docs/${doc.id}/uploads/${name}?token=${doc.viewToken}`, {});
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return new Uint8Array(res.body);
}

/** The names in the document's uploads directory. */
async function uploadNames(dataDir: string, doc: CreatedDoc): Promise<string[]> {
  return (await readdir(join(dataDir, 'docs', doc.id, 'uploads')).catch(() => [] as string[])).sort();
}

/**
 * The invariants after every restart: each file named by a hash holds exactly those bytes on disk and over
 * HTTP; any other name in the directory (a temp file) is not served; every acknowledged upload is whole;
 * an upload killed in flight is either absent or whole.
 */
async function expectConsistent(
  server: ChildServer,
  dataDir: string,
  doc: CreatedDoc,
  acknowledged: Map<string, Uint8Array>,
  inFlight: Uint8Array,
): Promise<void> {
  for (const name of await uploadNames(dataDir, doc)) {
    if (HASH.test(name)) {
      const file = await readFile(join(dataDir, 'docs', doc.id, 'uploads', name));
      const body = file.subarray(file.indexOf(0x0a) + 1);
      expect(sha256(body), `file ${name} holds the bytes it is named after`).toBe(name);
    } else {
      expect(name, 'only temp files may sit beside the uploads').toMatch(/^[0-9a-f]{64}\.[0-9a-f]+\.tmp$/);
      expect(await served(server, doc, name), `temp file ${name} is not an upload`).toBeNull();
    }
  }
  for (const [hash, bytes] of acknowledged) expectSameBytes(await served(server, doc, hash), bytes, `acknowledged ${hash}`);
  const got = await served(server, doc, sha256(inFlight));
  if (got !== null) expectSameBytes(got, inFlight, 'an upload killed in flight, when stored');
}

/** Uploads `bytes` twice more after a restart: 201 both times, the same address, one file under it. */
async function expectRetryStoresOnce(server: ChildServer, doc: CreatedDoc, bytes: Uint8Array): Promise<string> {
  const hash = sha256(bytes);
  const first = await upload(server, doc, bytes);
  const second = await upload(server, doc, bytes);
  expect([first.status, second.status]).toEqual([201, 201]);
  expect(first.info.hash).toBe(hash);
  expect(second.info.src).toBe(first.info.src);
  expectSameBytes(await served(server, doc, hash), bytes, 'the retried upload');
  return hash;
}

/** Each acknowledged image is stored exactly once, and nothing else is stored under a hash. */
async function expectStoredOnce(dataDir: string, doc: CreatedDoc, acknowledged: Map<string, Uint8Array>): Promise<void> {
  expect((await uploadNames(dataDir, doc)).filter((name) => HASH.test(name))).toEqual([...acknowledged.keys()].sort());
}

describe('[UP4] SIGKILL during an image upload', () => {
  it('[UP4] after a restart an address serves 404 or the whole image, temp files are never served, a retry is stored once, acknowledged uploads stay', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tandem-upload-kill-'));
    dirs.push(dataDir);
    let server = await start(dataDir);
    const doc = await createDoc(server.url);
    const acknowledged = new Map<string, Uint8Array>();
    const outcomes: string[] = [];

    // The first upload, answered 201, also measures how long the server takes from the body's last byte to
    // its answer; the kills below land at fractions of that.
    const first = bigPng(1024 * 1024);
    const measured = partialUpload(server, doc, first, first.length);
    await measured.flushed;
    const sentAt = performance.now();
    expect(await measured.answer).toBe(201);
    const answerMs = performance.now() - sentAt;
    acknowledged.set(sha256(first), first);

    // Kill points: body half sent; body fully sent, then at once, half-way and most of the way to the answer
    // (while the server checks, hashes, writes and fsyncs the ~1 MiB).
    const rounds: { label: string; part: number; delayMs: number }[] = [
      { label: 'half the body sent', part: 0.5, delayMs: 20 },
      { label: 'whole body sent, kill at once', part: 1, delayMs: 0 },
      { label: 'whole body sent, kill half-way', part: 1, delayMs: answerMs / 2 },
      { label: 'whole body sent, kill at 90 %', part: 1, delayMs: answerMs * 0.9 },
    ];
    for (const round of rounds) {
      const bytes = bigPng(1024 * 1024);
      const inFlight = partialUpload(server, doc, bytes, Math.floor(bytes.length * round.part));
      await inFlight.flushed;
      await new Promise((resolve) => setTimeout(resolve, round.delayMs));
      await kill(server);
      const status = await inFlight.answer;
      if (status === 201) acknowledged.set(sha256(bytes), bytes);

      server = await start(dataDir);
      const stored = (await served(server, doc, sha256(bytes))) !== null;
      outcomes.push(`${round.label}: ${status ?? 'no answer'}, ${stored ? 'stored' : 'absent'}`);
      if (round.part < 1) expect(stored, 'a body never fully sent stores nothing').toBe(false);
      await expectConsistent(server, dataDir, doc, acknowledged, bytes);
      acknowledged.set(await expectRetryStoresOnce(server, doc, bytes), bytes);
      await expectStoredOnce(dataDir, doc, acknowledged);
    }

    // The exact state a kill between writing the temp file and linking it leaves (hit by the rounds above
    // only by luck): a truncated `<hash>.<random>.tmp`. It is not served, and the retry stores the image once.
    await kill(server);
    const torn = bigPng(256 * 1024);
    const tornHash = sha256(torn);
    await writeFile(join(dataDir, 'docs', doc.id, 'uploads', `${tornHash}.0123456789ab.tmp`), Buffer.concat([Buffer.from('image/png\n'), torn.subarray(0, 1000)]));
    server = await start(dataDir);
    await expectConsistent(server, dataDir, doc, acknowledged, torn);
    expect(await served(server, doc, tornHash)).toBeNull();
    acknowledged.set(await expectRetryStoresOnce(server, doc, torn), torn);
    await expectConsistent(server, dataDir, doc, acknowledged, torn);
    await expectStoredOnce(dataDir, doc, acknowledged);
    // [UP10] Storing the retry swept every temp file a kill left.
    expect((await uploadNames(dataDir, doc)).filter((name) => !HASH.test(name))).toEqual([]);

    console.info(`[UP4] upload SIGKILL outcomes (answer took ${Math.round(answerMs)} ms): ${outcomes.join('; ')}`);
  }, 60_000);
});
