import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ClientSpec } from './client.js';
import type { EtherpadEstimate } from './etherpad-estimate.js';
import { rssBytes } from './proc.js';
import { background, fail, start, warnCheck, worstLoad, type BenchConfig, type LoadSummary } from './scenarios.js';
import type { ServerHandle, ServerKind } from './servers.js';
import { median, sleep, waitFor } from './util.js';
import { MERGED_EDITS, type OpenReply, type PrepareReply, type ReplayReply } from './versions-client.js';
import { LoadWorker } from './workers.js';

/**
 * The `versions` scenario: what document history costs and how fast its requests are, on a real editing
 * history. The automerge-paper trace is replayed into one Tandem document (its rich text, as the editor holds
 * it), with a version named at 25, 50 and 75 % of it and automatic versions made as it goes; then the server
 * is stopped (SIGTERM) and its data directory measured, restarted and timed until a fresh client holds the
 * document, and — with history on — every history request is timed on that loaded document, ending with a
 * restore of the 25 % version that must give back the trace's text at 25 %. Run once with history on
 * (`tandem`) and once with HISTORY=off (`tandem-nohist`), the same build in the same run.
 */

/** The history requests timed, in the order they run (restore last: it changes the document). */
export const HISTORY_REQUESTS = ['create', 'list', 'export', 'diff-versions', 'diff-now', 'timeline', 'attribution', 'restore'] as const;
export type HistoryRequest = (typeof HISTORY_REQUESTS)[number];

export interface RequestTiming {
  /** The first call, ms (a request's answer read in full). */
  first: number;
  /** Median of the calls after the first, ms; NaN for a request made once. */
  repeat: number;
  repeats: number;
  /** Size of the answer's body. */
  bytes: number;
}

export interface VersionsResult {
  history: boolean;
  edits: number;
  /** Replay time without the pauses for naming versions. */
  replaySec: number;
  intakeEditsPerSec: number;
  serverCpu: number;
  rssPeakMB: number;
  /** The data directory after a clean shutdown: all of it, and by kind of file (generation suffixes dropped). */
  diskBytes: number;
  diskByKind: Record<string, number>;
  /** The document's own files: update log, snapshot, meta. */
  stateBytes: number;
  /** Everything else: history entries and versions. */
  historyBytes: number;
  /** Restart → a fresh client holds the whole text (median of restarts), and until the server's step2 arrived. */
  loadMs: number;
  loadRuns: number[];
  step2Ms: number;
  /** Server RSS and JS heap with the document loaded by one synced client after a restart (median). */
  rssLoadedMB: number;
  heapLoadedMB: number;
  versions: { auto: number; named: number; restore: number };
  requests: Partial<Record<HistoryRequest, RequestTiming>>;
  /** After restoring the 25 % version a fresh client holds the trace's text at 25 %; null without history. */
  restoreOk: boolean | null;
  /** Etherpad's storage for the same edits: one revision per edit, and one per `mergedEdits`. */
  etherpad: EtherpadEstimate;
  etherpadMerged: EtherpadEstimate;
  mergedEdits: number;
  load: LoadSummary;
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

/** Files of a document that exist with or without history (see server/src/storage/file/store.ts). */
const STATE_FILES = new Set(['log', 'snapshot', 'meta.json']);

/** Bytes under `dir` by kind of file: the name without generation numbers or `.tmp` (`log.3` → `log`). */
export function bytesByKind(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else {
      const kind = basename(path).replace(/(\.tmp)?$/, '').replace(/(\.\d+)+$/, '');
      out[kind] = (out[kind] ?? 0) + st.size;
    }
  };
  if (existsSync(dir)) visit(dir);
  return out;
}

interface Answer {
  status: number;
  ms: number;
  bytes: number;
  text: string;
}

/** One API request on the document with its edit token, timed until the whole answer is read. */
async function request(server: ServerHandle, doc: ClientSpec, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${server.target.port}/api/docs/${doc.doc}${path}`, {
    method,
    headers: { authorization: `Bearer ${doc.token ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, ms: performance.now() - t0, bytes: bytes.byteLength, text: new TextDecoder().decode(bytes) };
}

export async function versions(cfg: BenchConfig, kind: ServerKind): Promise<VersionsResult> {
  const c = cfg.versions;
  const historyOn = kind === 'tandem';
  const scenario = `versions (${kind})`;
  const dataDir = join(cfg.runDir, `versions-${kind}`);
  const statePath = join(cfg.runDir, `versions-${kind}.state`);
  const writer = new LoadWorker('versions-writer');
  let server: ServerHandle | null = null;
  let prep: PrepareReply;
  let doc: ClientSpec;
  let replayMs = 0;
  let writerCpuMs = 0;
  let converged = true;
  const named: string[] = [];
  const createMs: number[] = [];
  let createBytes = 0;
  let win: ReturnType<ServerHandle['sampler']['window']>;
  let warnings: string[];
  let loadSummary: LoadSummary;
  try {
    prep = await writer.call({ cmd: 'versions-prepare', tracePath: cfg.tracePath, limit: Number.isFinite(c.limit) ? c.limit : 1e9, fractions: c.stops }, 120_000);
    server = await start(cfg, 'versions', kind, dataDir);
    [doc] = (await server.createDocs(1, 'paper')) as [ClientSpec];
    server.sampler.mark();
    // Segments end where a version is named (a stop), where the writer pauses (an automatic version), and at the end.
    const pauses = Array.from({ length: Math.floor((prep.edits - 1) / c.pauseEvery) }, (_, i) => (i + 1) * c.pauseEvery);
    const ends = [...new Set([...prep.stops, ...pauses, prep.edits])].sort((a, b) => a - b);
    for (const until of ends) {
      const stop = prep.stops.indexOf(until);
      const r: ReplayReply = await writer.call(
        { cmd: 'versions-replay', target: server.target, doc, until, window: c.window, timeoutMs: 300_000, expect: until === prep.edits ? prep.expected.at(-1) : prep.expected[stop], statePath },
        330_000,
      );
      replayMs += r.ms;
      writerCpuMs += r.cpuMs;
      if (!r.converged || !r.textOk) {
        fail(scenario, kind, `replay to edit ${until}: ${r.converged ? "the writer's text differs from the trace's" : 'a second client did not receive every edit in time'}`);
        converged = false;
        break;
      }
      if (until === prep.edits) break;
      if (stop < 0) {
        await sleep(c.pauseMs);
        continue;
      }
      if (historyOn) {
        const answer = await request(server, doc, 'POST', '/versions', { name: `${Math.round(c.stops[stop]! * 100)} % of the trace` });
        if (answer.status !== 201) throw new Error(`POST /versions answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        named.push((JSON.parse(answer.text) as { id: string }).id);
        createMs.push(answer.ms);
        createBytes = answer.bytes;
      }
    }
    win = server.sampler.window();
    // The load is the writer's process (writer and observer); its event-loop delay is not sampled here.
    loadSummary = worstLoad([{ cpu: writerCpuMs / replayMs, loopP99: Number.NaN }]);
  } catch (error) {
    await server?.stop();
    throw error;
  } finally {
    await writer.close();
  }
  if (!server) throw new Error('the server did not start');
  const s0 = server;
  // The last clients left: the server unloads the document (with history, making a last automatic version).
  await waitFor(async () => ((await s0.stats())?.docs ?? 0) === 0, 60_000, `${kind} to unload the document`, 100).catch((e) =>
    fail(scenario, kind, (e as Error).message),
  );
  warnings = warnCheck(scenario, server);
  const code = await server.stop(60_000);
  if (code !== 0) fail(scenario, kind, `server exited with ${code} on SIGTERM`);
  const diskByKind = bytesByKind(dataDir);
  const diskBytes = Object.values(diskByKind).reduce((a, b) => a + b, 0);
  const stateBytes = Object.entries(diskByKind).reduce((a, [k, b]) => a + (STATE_FILES.has(k) ? b : 0), 0);

  const loadRuns: number[] = [];
  const step2: number[] = [];
  const rss: number[] = [];
  const heap: number[] = [];
  const requests: VersionsResult['requests'] = {};
  const versionCounts = { auto: 0, named: 0, restore: 0 };
  let restoreOk: boolean | null = null;
  const final = prep.expected.at(-1)!;
  for (let run = 0; run < c.coldRuns; run++) {
    server = await start(cfg, 'versions', kind, dataDir);
    const reader = new LoadWorker('versions-reader');
    try {
      const opened: OpenReply = await reader.call(
        { cmd: 'versions-open', target: server.target, doc: doc!, expect: final, timeoutMs: 120_000, warmStatePath: statePath },
        150_000,
      );
      if (!opened.ok) fail(scenario, kind, `a fresh client after the restart holds ${opened.length} characters, the trace ${final.length}`);
      loadRuns.push(opened.ms);
      step2.push(opened.step2Ms);
      await sleep(cfg.settleMs);
      rss.push(rssBytes(server.pid));
      heap.push((await server.stats())?.heapUsed ?? Number.NaN);
      if (run < c.coldRuns - 1) continue;
      // A replay that failed left no named versions to ask about (the failure is recorded already).
      if (historyOn && named.length < c.stops.length) continue;
      if (!historyOn) {
        // The baseline really runs without history: its history routes answer 404.
        const answer = await request(server, doc!, 'GET', '/versions');
        if (answer.status !== 404) fail(scenario, kind, `with HISTORY=off GET /versions answered ${answer.status}, not 404`);
        continue;
      }
      if (createMs.length) requests.create = { first: createMs[0]!, repeat: median(createMs), repeats: createMs.length, bytes: createBytes };
      const timed = async (name: HistoryRequest, path: string, repeats: number, check: (answer: Answer) => string | null) => {
        const answers: Answer[] = [];
        for (let i = 0; i <= repeats; i++) {
          const answer = await request(server!, doc!, 'GET', path);
          const problem = answer.status !== 200 ? `answered ${answer.status}: ${answer.text.slice(0, 200)}` : check(answer);
          if (problem) {
            fail(scenario, kind, `GET ${path} ${problem}`);
            converged = false;
            return answer;
          }
          answers.push(answer);
        }
        const later = answers.slice(1).map((a) => a.ms);
        requests[name] = { first: answers[0]!.ms, repeat: later.length ? median(later) : Number.NaN, repeats: later.length, bytes: answers[0]!.bytes };
        return answers[0]!;
      };
      const [first, middle, last] = named;
      const list = await timed('list', '/versions', c.repeats, () => null);
      for (const v of (JSON.parse(list.text) as { versions: { kind: 'auto' | 'named' | 'restore' }[] }).versions) versionCounts[v.kind]++;
      if (versionCounts.named !== c.stops.length) fail(scenario, kind, `the list holds ${versionCounts.named} named versions, ${c.stops.length} were made`);
      await timed('export', `/versions/${middle}/export?format=markdown`, c.repeats, (a) =>
        a.bytes < 0.9 * prep.expected[1]!.length ? `gave ${a.bytes} bytes for a version of ${prep.expected[1]!.length} characters` : null,
      );
      const hasBlocks = (a: Answer) => ((JSON.parse(a.text) as { blocks: unknown[] }).blocks.length > 0 ? null : 'gave no blocks');
      await timed('diff-versions', `/history/diff?from=${first}&to=${last}`, c.repeats, hasBlocks);
      await timed('diff-now', `/history/diff?from=${middle}&to=now`, c.repeats, hasBlocks);
      await timed('timeline', '/history', c.repeats, (a) => {
        const total = (JSON.parse(a.text) as { total: number }).total;
        return total < prep.edits ? `counts ${total} changes, ${prep.edits} edits were made` : null;
      });
      await timed('attribution', '/history/attribution', c.repeats, (a) =>
        (JSON.parse(a.text) as { runs: unknown[] }).runs.length > 0 ? null : 'gave no runs',
      );
      const restored = await request(server, doc!, 'POST', `/versions/${first}/restore`, { author: { name: 'Bench' } });
      if (restored.status !== 200) fail(scenario, kind, `POST /versions/${first}/restore answered ${restored.status}: ${restored.text.slice(0, 200)}`);
      requests.restore = { first: restored.ms, repeat: Number.NaN, repeats: 0, bytes: restored.bytes };
      const checked = await reader.call<{ ok: boolean; length: number }>(
        { cmd: 'versions-check', target: server.target, doc: doc!, expect: prep.expected[0]!, timeoutMs: 30_000 },
        60_000,
      );
      restoreOk = checked.ok;
      if (!checked.ok) fail(scenario, kind, `after restoring the 25 % version a fresh client holds ${checked.length} characters, the trace had ${prep.expected[0]!.length}`);
      warnings.push(...warnCheck(scenario, server));
    } finally {
      await reader.close();
      await server.stop(60_000);
    }
  }
  const edits = prep.edits;
  return {
    history: historyOn,
    edits,
    replaySec: replayMs / 1000,
    intakeEditsPerSec: edits / (replayMs / 1000),
    serverCpu: win!.cores,
    rssPeakMB: win!.peakRss / 2 ** 20,
    diskBytes,
    diskByKind,
    stateBytes,
    historyBytes: diskBytes - stateBytes,
    loadMs: median(loadRuns),
    loadRuns,
    step2Ms: median(step2),
    rssLoadedMB: median(rss) / 2 ** 20,
    heapLoadedMB: median(heap) / 2 ** 20,
    versions: versionCounts,
    requests,
    restoreOk,
    etherpad: prep.etherpad,
    etherpadMerged: prep.etherpadMerged,
    mergedEdits: MERGED_EDITS,
    load: loadSummary!,
    otherCores: background(win!, loadSummary!),
    converged: converged && restoreOk !== false,
    warnings: warnings.slice(0, 3),
  };
}
