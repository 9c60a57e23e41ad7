/**
 * `rich-doc`: what a document full of structure costs next to plain text of the same encoded size, on every
 * server that holds Yjs content (Tandem and the peers; the raw relay holds nothing to sync). For Tandem also
 * its image uploads: throughput with its limits as shipped, and a few files it must refuse.
 *
 * 1. Tandem only: the scenario's images (generated PNGs) are uploaded to the rich document through
 *    `POST /api/docs/:id/uploads`, `uploadConcurrency` at a time, timed; each answered `src` must be the
 *    document's upload path for the image's SHA-256 [UP4]. Then the refusals [UP1–UP3]: each must get its status
 *    and leave nothing stored (the hash of its bytes answers 404).
 * 2. Both documents are built (`rich-build.ts`; the rich one with the answered paths, reused as it is for the
 *    peers, so every server holds the same bytes) and sent by a writer each; `readers` readers per document, in
 *    a second load process, each receive them in full.
 * 3. Typing: each writer types `rateHz` characters per second into a paragraph in the middle of its document,
 *    both documents at once, keystrokes interleaved; latency is send → integrated by each reader.
 * 4. Warm sync: with the documents loaded (writers and readers still connected), `warmRuns` fresh clients one
 *    after another, timed until the server's step2 is applied; median.
 * 5. Cold sync: every client leaves, the server unloads the documents and is stopped (SIGTERM), restarted on
 *    its data; a fresh client opens the rich document, then another the plain one — `coldRuns` restarts, median.
 * Fresh clients run in the readers' process (kept from one server to the next), its Yjs warmed up on the same
 * content right before, so the time is the server's and no server meets a colder client than another.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlainDoc, buildRichDoc, type BuiltDoc } from './rich-build.js';
import type { DrainReply, FreshReply, RichDigest } from './rich-client.js';
import { benchImages, refusalCases, sha256Hex, type BenchImage } from './rich-images.js';
import { background, fail, start, warnCheck, worstLoad, type BenchConfig, type LoadSummary } from './scenarios.js';
import { isTandem, type ServerHandle, type ServerKind } from './servers.js';
import { median, pool, sleep, waitFor } from './util.js';
import type { ClientSpec } from './client.js';
import { LoadWorker } from './workers.js';

export interface RichDocConfig {
  /** Sections of the rich document: one table and two images each. */
  sections: number;
  readers: number;
  rateHz: number;
  durationMs: number;
  warmupMs: number;
  warmRuns: number;
  coldRuns: number;
  uploadConcurrency: number;
}

/** One document's figures. */
export interface RichSide {
  p50: number;
  p99: number;
  max: number;
  deliveries: number;
  warmSyncMs: number;
  coldSyncMs: number;
  /** Opening the socket → the cold step2 frame arrived (the server's share of the cold sync). */
  coldStep2Ms: number;
  stateBytes: number;
  chars: number;
}

export interface Refusal {
  name: string;
  expected: number;
  /** The status answered, or 0 when the connection ended without one. */
  status: number;
  /** Whether the refused bytes can be read back (must be false). */
  stored: boolean;
}

export interface UploadResult {
  count: number;
  bytes: number;
  sec: number;
  mbPerSec: number;
  perSec: number;
  /** Every answered `src` was the document's path for the image's hash. */
  srcsOk: boolean;
  refusals: Refusal[];
}

export interface RichDocResult {
  rich: RichSide;
  plain: RichSide;
  tables: number;
  images: number;
  uploads?: UploadResult;
  /** Server CPU while both documents were typed into. */
  serverCpu: number;
  load: LoadSummary;
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

/**
 * Built once per run where possible: the images, the plain document, and the rich document — Tandem's (whose
 * image nodes name its upload paths) is reused for the peers, so every server gets the very same bytes.
 */
let images: BenchImage[] | undefined;
let plainDoc: BuiltDoc | undefined;
let richBuilt: BuiltDoc | undefined;
/** A peer run without Tandem before it: the same hashes under a document id as long as Tandem's. */
const PEER_DOC_ID = 'peer-rich-document-id0';
/**
 * The writers' and the readers' load processes, kept from one server to the next (each run closes its clients):
 * booting two Node processes per server would cost more than the rest of a quick run on a busy machine.
 */
let procs: { writer: LoadWorker; reader: LoadWorker } | undefined;

const side = (doc: BuiltDoc): RichSide => ({
  p50: NaN,
  p99: NaN,
  max: NaN,
  deliveries: 0,
  warmSyncMs: NaN,
  coldSyncMs: NaN,
  coldStep2Ms: NaN,
  stateBytes: doc.update.byteLength,
  chars: doc.chars,
});

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

async function upload(base: string, doc: ClientSpec, bytes: Uint8Array): Promise<Response> {
  return fetch(`${base}/api/docs/${doc.doc}/uploads`, {
    method: 'POST',
    // The type is claimed as PNG for every file: Tandem sniffs the bytes and ignores the claim [UP2].
    headers: { authorization: `Bearer ${doc.token}`, 'content-type': 'image/png' },
    body: bytes,
  });
}

/** Uploads every image (timed) and the files that must be refused; returns the answered srcs in order. */
async function uploads(server: ServerHandle, doc: ClientSpec, concurrency: number): Promise<{ result: UploadResult; srcs: string[] }> {
  const base = `http://127.0.0.1:${server.target.port}`;
  const imgs = images!;
  const t0 = performance.now();
  const srcs = await pool(imgs, concurrency, async (img) => {
    const res = await upload(base, doc, img.bytes);
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { src: string }).src;
  });
  const sec = (performance.now() - t0) / 1000;
  const bytes = imgs.reduce((n, img) => n + img.bytes.length, 0);
  const srcsOk = srcs.every((src, i) => src === `/api/docs/${doc.doc}/uploads/${imgs[i]!.hash}`);
  // The limit this server runs with: an override of the scenario, else the shipped default (10 MiB, README).
  const maxBytes = Number(server.env.UPLOAD_MAX_BYTES ?? 10 * 2 ** 20);
  const refusals: Refusal[] = [];
  for (const r of refusalCases(maxBytes)) {
    let status = 0;
    try {
      const res = await upload(base, doc, r.bytes);
      status = res.status;
      await res.arrayBuffer();
    } catch {
      // The server may answer 413 and close before the whole body is sent: the client then sees no status.
    }
    const read = await fetch(`${base}/api/docs/${doc.doc}/uploads/${sha256Hex(r.bytes)}`, { headers: { authorization: `Bearer ${doc.token}` } });
    await read.arrayBuffer();
    refusals.push({ name: r.name, expected: r.status, status, stored: read.status !== 404 });
  }
  return { result: { count: imgs.length, bytes, sec, mbPerSec: bytes / 2 ** 20 / sec, perSec: imgs.length / sec, srcsOk, refusals }, srcs };
}

export async function richDoc(cfg: BenchConfig, kind: ServerKind): Promise<RichDocResult> {
  const c = cfg.richDoc;
  // The load processes boot (the first time) while the images are generated and the server starts.
  procs ??= { writer: new LoadWorker('rich-writer'), reader: new LoadWorker('rich-readers') };
  const { writer: writerProc, reader: readerProc } = procs;
  images ??= benchImages(c.sections * 2);
  const dataDir = join(cfg.runDir, `rich-doc-${kind}`);
  let server: ServerHandle;
  try {
    server = await start(cfg, 'rich-doc', kind, dataDir);
  } catch (error) {
    await closeRichDocProcesses();
    throw error;
  }
  const statePath = (name: string) => join(cfg.runDir, `rich-doc-${kind}-${name}.update`);
  try {
    const [richSpec, plainSpec] = (await server.createDocs(2, 'rich')) as [ClientSpec, ClientSpec];
    const docs = { rich: { ...richSpec, cnum: 1 }, plain: { ...plainSpec, cnum: 101 } };
    const names = ['rich', 'plain'] as const;
    let up: UploadResult | undefined;
    if (isTandem(kind)) {
      const uploaded = await uploads(server, docs.rich, c.uploadConcurrency);
      up = uploaded.result;
      if (!up.srcsOk) fail('rich-doc', kind, "an upload's src is not the document's path for its hash");
      for (const r of up.refusals)
        if (r.status !== r.expected || r.stored) fail('rich-doc', kind, `upload of ${r.name}: answered ${r.status || 'nothing'} (expected ${r.expected})${r.stored ? ' and was stored' : ''}`);
      richBuilt = await buildRichDoc(c.sections, uploaded.srcs);
    }
    richBuilt ??= await buildRichDoc(c.sections, images.map((img) => `/api/docs/${PEER_DOC_ID}/uploads/${img.hash}`));
    plainDoc ??= await buildPlainDoc(richBuilt.update.byteLength);
    const built = { rich: richBuilt, plain: plainDoc };
    for (const name of names) writeFileSync(statePath(name), built[name].update);
    const result: RichDocResult = {
      rich: side(built.rich),
      plain: side(built.plain),
      tables: built.rich.tables,
      images: built.rich.images,
      uploads: up,
      serverCpu: NaN,
      load: { cpu: 0, loopP99: 0, total: 0 },
      otherCores: 0,
      converged: true,
      warnings: [],
    };

    const seeded = await writerProc.call<{ digests: RichDigest[] }>({ cmd: 'rich-seed', target: server.target, docs: names.map((n) => ({ spec: docs[n], updatePath: statePath(n) })), timeoutMs: 30_000 }, 60_000);
    await readerProc.call({ cmd: 'rich-readers', target: server.target, docs: names.map((n, i) => ({ spec: docs[n], sv: seeded.digests[i]!.sv })), readers: c.readers, timeoutMs: 30_000 }, 60_000);

    // Both documents typed into at once, keystrokes interleaved: noise on a shared machine hits them alike.
    await sleep(100);
    server.sampler.mark();
    const typed = await writerProc.call<{ sent: number[]; digests: RichDigest[]; from: number; until: number; cpu: number }>(
      { cmd: 'rich-type', docs: names.map((n) => docs[n].doc), rateHz: c.rateHz, durationMs: c.durationMs, warmupMs: c.warmupMs },
      c.durationMs + 30_000,
    );
    const win = server.sampler.window();
    const drained = await readerProc.call<DrainReply>(
      { cmd: 'rich-drain', docs: names.map((n, i) => ({ doc: docs[n].doc, writer: docs[n].cnum, sent: typed.sent[i]!, digest: typed.digests[i]! })), from: typed.from, until: typed.until, timeoutMs: 20_000 },
      40_000,
    );
    names.forEach((name, i) => {
      const d = drained.docs[i]!;
      if (!d.complete || d.diverged > 0) {
        fail('rich-doc', kind, `${name}: ${d.complete ? '' : 'some keystrokes never reached every reader; '}${d.diverged} reader(s) differ from the writer`);
        result.converged = false;
      }
      const lat = d.latencies.sort((a, b) => a - b);
      Object.assign(result[name], { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: lat.at(-1) ?? NaN, deliveries: lat.length });
    });
    result.serverCpu = win.cores;
    result.load = worstLoad([{ cpu: typed.cpu, loopP99: 0 }, { cpu: drained.cpu, loopP99: 0 }]);
    result.otherCores = background(win, result.load);

    // Warm: the documents loaded (writers and readers still connected); fresh clients in the readers' process,
    // its Yjs warmed up on the content first (the process serves every server in turn: each gets it as warm).
    for (const [i, name] of names.entries()) {
      const r = await readerProc.call<FreshReply>(
        { cmd: 'rich-fresh', target: server.target, doc: docs[name], content: typed.digests[i]!.content, runs: c.warmRuns, warmStatePath: statePath(name), timeoutMs: 30_000 },
        60_000,
      );
      if (!r.ok) fail('rich-doc', kind, `${name}: a fresh client did not receive the document`);
      result[name].warmSyncMs = median(r.ms);
      result.converged &&= r.ok;
    }
    await writerProc.call({ cmd: 'rich-close' }, 20_000);
    await readerProc.call({ cmd: 'rich-close' }, 20_000);
    result.warnings = warnCheck('rich-doc', server);

    // Cold: the documents written out and unloaded, the server stopped and restarted on its data; the fresh
    // client runs in the readers' process, whose Yjs was just warmed up on this very content.
    const cold = { rich: { ms: [] as number[], step2: [] as number[] }, plain: { ms: [] as number[], step2: [] as number[] } };
    for (let run = 0; run < c.coldRuns; run++) {
      await waitFor(async () => ((await server.stats())?.docs ?? 0) === 0, 30_000, `${kind} to unload the documents`, 50).catch((e) => fail('rich-doc', kind, (e as Error).message));
      const code = await server.stop(30_000);
      if (code !== 0 && isTandem(kind)) fail('rich-doc', kind, `server exited with ${code} on SIGTERM`);
      server = await start(cfg, 'rich-doc', kind, dataDir);
      for (const [i, name] of names.entries()) {
        const r = await readerProc.call<FreshReply>(
          { cmd: 'rich-fresh', target: server.target, doc: docs[name], content: typed.digests[i]!.content, runs: 1, warmStatePath: statePath(name), timeoutMs: 30_000 },
          60_000,
        );
        if (!r.ok) fail('rich-doc', kind, `${name}: a fresh client after restart did not receive the document`);
        result.converged &&= r.ok;
        cold[name].ms.push(...r.ms);
        cold[name].step2.push(...r.step2Ms);
      }
    }
    for (const name of names) {
      result[name].coldSyncMs = median(cold[name].ms);
      result[name].coldStep2Ms = median(cold[name].step2);
    }
    return result;
  } catch (error) {
    // Whatever state the load processes were left in, the next server gets fresh ones.
    await closeRichDocProcesses();
    throw error;
  } finally {
    await server.stop();
  }
}

/** Ends the scenario's load processes (after the last server, or after a failure). */
export async function closeRichDocProcesses(): Promise<void> {
  const p = procs;
  procs = undefined;
  if (p) await Promise.all([p.writer.close(), p.reader.close()]);
}
