import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientSpec } from './client.js';
import { startPostgres, startRedis, TreeSampler, type BenchPostgres, type BenchRedis } from './backing.js';
import { cpuSeconds, machineBusySeconds, rssBytes } from './proc.js';
import { isTandem, startServer, type ServerHandle, type ServerKind } from './servers.js';
import { Histogram, median, sleep, waitFor, type HistogramJSON } from './util.js';
import type { Digest, LoadStats } from './worker.js';
import { LoadWorker } from './workers.js';
import type { RichDocConfig } from './rich-doc.js';

export interface BenchConfig {
  quick: boolean;
  runDir: string;
  tracePath: string;
  profileDir?: string;
  /** Pause before reading memory, so freed memory and pending writes have settled. */
  settleMs: number;
  fanout: { docs: number; clientsPerDoc: number; rateHz: number; durationMs: number; warmupMs: number; workers: number };
  hot: { sizes: number[]; window: number; durationMs: number; warmupMs: number };
  conns: { connections: number; perDoc: number; workers: number; concurrency: number };
  history: { limit: number; window: number; coldRuns: number };
  versions: {
    /** Edits replayed: the whole trace, or a prefix in quick mode. */
    limit: number;
    /** Where in the replay a version is named (fractions of the edits replayed). */
    stops: number[];
    /**
     * The writer pauses after every this many edits (≈ 5 minutes of typing at 5 keystrokes/s) for `pauseMs`,
     * longer than HISTORY_IDLE_MS: an automatic version is made there, as over a real working session.
     */
    pauseEvery: number;
    pauseMs: number;
    window: number;
    /** Restarts timed for the load time and memory (median). */
    coldRuns: number;
    /** Each history request is timed once more this many times (median) after its first call. */
    repeats: number;
  };
  churn: { docs: number; concurrency: number; edits: number; settleMs: number };
  /** Start-ups per server, and how long each then sits idle before its RSS is read. */
  startup: { runs: number; idleMs: number };
  instances: {
    counts: number[];
    /** Also run one instance on the embedded file store (no PostgreSQL, no Redis) as a reference column. */
    fileReference: boolean;
    clients: number;
    rateHz: number;
    pacedMs: number;
    pacedWarmupMs: number;
    window: number;
    hotMs: number;
    hotWarmupMs: number;
  };
  intakeWriters: {
    writers: number;
    /** Edits each writer replays (a prefix of the trace). */
    limit: number;
    slice: number;
    timeLimitMs: number;
  };
  richDoc: RichDocConfig;
  intakeCurve: {
    /** Edits replayed: the whole trace, or a prefix in quick mode. */
    limit: number;
    /** Edits per point of the curve. */
    slice: number;
    /** A server's run stops this long after the first edit; the table says how far it got. */
    timeLimitMs: number;
  };
}

export function makeConfig(quick: boolean, runDir: string, tracePath: string): BenchConfig {
  return {
    quick,
    runDir,
    tracePath,
    settleMs: quick ? 500 : 1_500,
    fanout: { docs: 20, clientsPerDoc: 5, rateHz: 5, durationMs: quick ? 4_000 : 20_000, warmupMs: quick ? 1_000 : 2_000, workers: 2 },
    hot: { sizes: [2, 10, 50], window: 8, durationMs: quick ? 2_000 : 10_000, warmupMs: quick ? 500 : 1_500 },
    conns: { connections: quick ? 1_000 : 10_000, perDoc: 5, workers: 2, concurrency: 100 },
    history: { limit: quick ? 20_000 : Infinity, window: 512, coldRuns: quick ? 1 : 3 },
    versions: { limit: quick ? 60_000 : Infinity, stops: [0.25, 0.5, 0.75], pauseEvery: 1_500, pauseMs: 250, window: 512, coldRuns: quick ? 1 : 3, repeats: quick ? 3 : 5 },
    churn: { docs: quick ? 100 : 1_000, concurrency: 20, edits: 20, settleMs: quick ? 2_000 : 12_000 },
    startup: { runs: quick ? 3 : 7, idleMs: 3_000 },
    instances: {
      counts: [1, 2, 3],
      // Quick mode keeps the scenario to ~30 s: no file-store reference column there.
      fileReference: !quick,
      clients: 10,
      rateHz: 5,
      pacedMs: quick ? 2_000 : 12_000,
      pacedWarmupMs: quick ? 500 : 2_000,
      window: 8,
      hotMs: quick ? 1_500 : 10_000,
      hotWarmupMs: quick ? 500 : 1_500,
    },
    intakeCurve: { limit: quick ? 60_000 : Infinity, slice: 10_000, timeLimitMs: quick ? 60_000 : 120_000 },
    intakeWriters: { writers: 4, limit: quick ? 20_000 : 60_000, slice: 10_000, timeLimitMs: quick ? 60_000 : 120_000 },
    richDoc: { sections: 50, readers: 4, rateHz: 10, durationMs: quick ? 2_000 : 15_000, warmupMs: quick ? 400 : 2_000, warmRuns: quick ? 3 : 7, coldRuns: quick ? 1 : 3, uploadConcurrency: 4 },
  };
}

/** Limits raised per scenario, for every run of Tandem in it (the peers have no such limits). */
export const TANDEM_ENV: Record<string, Record<string, string>> = {
  // 20 docs × 5 clients, 10 messages/s each: within every default.
  fanout: {},
  // Clients send as fast as the window allows: far beyond 500 messages/s per connection.
  hot: { MAX_MESSAGES_PER_SECOND: '1000000' },
  // 10,000 sockets from one address: above the default server cap (10,000, exactly at the edge) and any
  // per-address cap.
  conns: { MAX_CONNECTIONS: '20000', MAX_CONNECTIONS_PER_IP: '20000' },
  // One writer replays ~260k edits as fast as the window allows.
  history: { MAX_MESSAGES_PER_SECOND: '1000000' },
  churn: {},
  // The hot-document half sends as fast as the window allows.
  instances: { MAX_MESSAGES_PER_SECOND: '1000000' },
  // One writer sends ~260k edits as fast as its socket accepts them.
  'intake-curve': { MAX_MESSAGES_PER_SECOND: '1000000' },
  // The history replay: as fast as the window allows. Automatic versions accumulate as over real work, compressed
  // into a replay of seconds: one when the writer pauses (every ~5 minutes of typing: idle after 100 ms instead
  // of 30 s) and at least every 2 s of editing (instead of 5 min).
  versions: { MAX_MESSAGES_PER_SECOND: '1000000', HISTORY_IDLE_MS: '100', HISTORY_MAX_INTERVAL_MS: '2000' },
  // Two writers at 10 keystrokes/s and uploads, within every limit as shipped (UPLOAD_MAX_BYTES, the pixel cap
  // included). Only a document's stay in memory once its last client left is shortened (2 s → 200 ms): the cold
  // sync waits for the documents to unload before the restart.
  'rich-doc': { ROOM_IDLE_MS: '200' },
};

export interface Failure {
  scenario: string;
  server: ServerKind;
  message: string;
}

export const failures: Failure[] = [];

export function fail(scenario: string, server: ServerKind, message: string): void {
  failures.push({ scenario, server, message });
  process.stderr.write(`\n\x1b[31m✗ ${scenario} / ${server}: ${message}\x1b[0m\n`);
}

let serial = 0;
export async function start(cfg: BenchConfig, scenario: string, kind: ServerKind, dataDir?: string): Promise<ServerHandle> {
  const dir = dataDir ?? join(cfg.runDir, `${scenario}-${kind}-${++serial}`);
  const profile = cfg.profileDir && isTandem(kind) ? join(cfg.profileDir, kind === 'tandem' ? scenario : `${scenario}-${kind}`) : undefined;
  if (profile) mkdirSync(profile, { recursive: true });
  return startServer(kind, { dataDir: dir, env: isTandem(kind) ? TANDEM_ENV[scenario] : {}, cpuProfDir: profile });
}

/** Splits `items` into `n` contiguous groups. */
function split<T>(items: T[], n: number): T[][] {
  const out: T[][] = Array.from({ length: n }, () => []);
  items.forEach((item, i) => out[Math.floor((i * n) / items.length)]!.push(item));
  return out.filter((g) => g.length > 0);
}

interface Drained {
  complete: boolean;
  digests: Record<string, Digest[]>;
  hist: HistogramJSON;
  histCross: HistogramJSON;
  histSame: HistogramJSON;
  deliveries: number;
  frames: number;
  lost: number;
  unsynced: number;
}

/** Every client of a document must hold the same content and every edit sent; a fresh client too. */
function checkConvergence(
  scenario: string,
  kind: ServerKind,
  drained: Drained[],
  expected: Record<string, number>,
  fresh: Record<string, Digest> | null,
): boolean {
  let ok = true;
  const byDoc: Record<string, Digest[]> = {};
  for (const d of drained) for (const [doc, list] of Object.entries(d.digests)) (byDoc[doc] ??= []).push(...list);
  for (const [doc, list] of Object.entries(byDoc)) {
    const want = expected[doc] ?? 0;
    const first = list[0]!;
    const bad = list.find((d) => d.text !== first.text || d.sv !== first.sv || d.marks !== want);
    if (bad) {
      fail(scenario, kind, `document ${doc} did not converge: ${JSON.stringify(first)} vs ${JSON.stringify(bad)}, expected ${want} edits`);
      ok = false;
      break;
    }
    const f = fresh?.[doc];
    if (fresh && (!f || f.text !== first.text || f.marks !== want)) {
      fail(scenario, kind, `a fresh client of ${doc} got ${JSON.stringify(f)}, the editors hold ${JSON.stringify(first)}`);
      ok = false;
      break;
    }
  }
  const lost = drained.reduce((s, d) => s + d.lost + d.unsynced, 0);
  if (lost > 0) {
    fail(scenario, kind, `${lost} clients lost their connection or never synced`);
    ok = false;
  }
  return ok;
}

export interface LoadSummary extends LoadStats {
  /** Cores used by all load processes together. */
  total: number;
}

export function worstLoad(stats: LoadStats[]): LoadSummary {
  return { cpu: Math.max(...stats.map((s) => s.cpu)), loopP99: Math.max(...stats.map((s) => s.loopP99)), total: stats.reduce((a, s) => a + s.cpu, 0) };
}

/** Cores used by processes other than the server and the load generator during the window (noise). */
export function background(win: { machineCores: number; cores: number }, load: LoadSummary): number {
  return Math.max(0, win.machineCores - win.cores - load.total);
}

export function warnCheck(scenario: string, server: ServerHandle): string[] {
  const warnings = server.warnings();
  if (warnings.length > 0) process.stderr.write(`  ${server.kind} logged ${warnings.length} warnings, first: ${warnings[0]!.slice(0, 300)}\n`);
  return warnings.slice(0, 3);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Fan-out
// ---------------------------------------------------------------------------------------------------------------

export interface FanoutResult {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  deliveries: number;
  serverCpu: number;
  rssPeakMB: number;
  load: LoadSummary;
  /** Cores other processes on the machine used meanwhile: > 0.2 means the numbers are disturbed. */
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

export async function fanout(cfg: BenchConfig, kind: ServerKind): Promise<FanoutResult> {
  const c = cfg.fanout;
  const server = await start(cfg, 'fanout', kind);
  const workers: LoadWorker[] = [];
  try {
    const docs = await server.createDocs(c.docs, 'fan');
    const specs: ClientSpec[] = docs.flatMap((d, i) =>
      Array.from({ length: c.clientsPerDoc }, (_, j) => ({ ...d, cnum: i * c.clientsPerDoc + j + 1 })),
    );
    const groups = split(specs, c.workers);
    for (let i = 0; i < groups.length; i++) workers.push(new LoadWorker(`fanout-load-${i}`));
    const connected = await Promise.all(
      workers.map((w, i) => w.call({ cmd: 'connect', target: server.target, clients: groups[i]!, awareness: true, concurrency: 50, timeoutMs: 20_000 }, 60_000)),
    );
    for (const r of connected) if (r.failures > 0) throw new Error(`${r.failures} clients failed to connect: ${r.firstFailure}`);
    await sleep(500);
    server.sampler.mark();
    const stopped = await Promise.all(
      workers.map((w) => w.call({ cmd: 'fanout', rateHz: c.rateHz, durationMs: c.durationMs, warmupMs: c.warmupMs }, c.durationMs + 30_000)),
    );
    const win = server.sampler.window();
    const expected: Record<string, number> = {};
    for (const s of stopped) for (const [doc, n] of Object.entries(s.sent as Record<string, number>)) expected[doc] = (expected[doc] ?? 0) + n;
    const drained: Drained[] = await Promise.all(workers.map((w) => w.call({ cmd: 'drain', expected, timeoutMs: 20_000 }, 40_000)));
    const fresh = kind === 'relay' ? null : await verify(workers[0]!, server, docs);
    const hist = new Histogram();
    for (const d of drained) hist.merge(d.hist);
    return {
      p50: hist.quantile(0.5),
      p95: hist.quantile(0.95),
      p99: hist.quantile(0.99),
      max: hist.maxMs,
      deliveries: hist.count,
      serverCpu: win.cores,
      rssPeakMB: win.peakRss / 2 ** 20,
      load: worstLoad(stopped.map((s) => s.load)),
      otherCores: background(win, worstLoad(stopped.map((s) => s.load))),
      converged: checkConvergence('fanout', kind, drained, expected, fresh),
      warnings: warnCheck('fanout', server),
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server.stop();
  }
}

async function verify(worker: LoadWorker, server: ServerHandle, docs: ClientSpec[]): Promise<Record<string, Digest>> {
  const r = await worker.call({ cmd: 'verify', target: server.target, docs: docs.map((d) => ({ ...d, cnum: 0 })), timeoutMs: 20_000 }, 120_000);
  return r.digests as Record<string, Digest>;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Hot document
// ---------------------------------------------------------------------------------------------------------------

export interface HotResult {
  clients: number;
  editsPerSec: number;
  deliveriesPerSec: number;
  messagesPerSec: number;
  p50: number;
  p99: number;
  serverCpu: number;
  rssPeakMB: number;
  load: LoadSummary;
  /** Cores other processes on the machine used meanwhile: > 0.2 means the numbers are disturbed. */
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

/** One server process for all sizes (a fresh document per size), so quick mode fits its time budget. */
export async function hot(cfg: BenchConfig, kind: ServerKind): Promise<HotResult[]> {
  const server = await start(cfg, 'hot', kind);
  try {
    const out: HotResult[] = [];
    for (const size of cfg.hot.sizes) out.push(await hotSize(cfg, server, size));
    return out;
  } finally {
    await server.stop();
  }
}

async function hotSize(cfg: BenchConfig, server: ServerHandle, size: number): Promise<HotResult> {
  const c = cfg.hot;
  const kind = server.kind;
  const workers: LoadWorker[] = [];
  try {
    const [doc] = await server.createDocs(1, `hot${size}`);
    const specs = Array.from({ length: size }, (_, j) => ({ ...doc!, cnum: j + 1 }));
    // Two load processes (each ring needs ≥ 2 clients per process, so 2 clients share one).
    const groups = split(specs, size >= 4 ? 2 : 1);
    for (let i = 0; i < groups.length; i++) workers.push(new LoadWorker(`hot-load-${i}`));
    const connected = await Promise.all(
      workers.map((w, i) => w.call({ cmd: 'connect', target: server.target, clients: groups[i]!, awareness: false, concurrency: 50, timeoutMs: 20_000 }, 60_000)),
    );
    for (const r of connected) if (r.failures > 0) throw new Error(`${r.failures} clients failed to connect: ${r.firstFailure}`);
    await sleep(300);
    server.sampler.mark();
    const stopped = await Promise.all(
      workers.map((w) => w.call({ cmd: 'hot', window: c.window, durationMs: c.durationMs, warmupMs: c.warmupMs }, c.durationMs + 30_000)),
    );
    const win = server.sampler.window();
    const expected: Record<string, number> = {};
    for (const s of stopped) for (const [d, n] of Object.entries(s.sent as Record<string, number>)) expected[d] = (expected[d] ?? 0) + n;
    const drained: Drained[] = await Promise.all(workers.map((w) => w.call({ cmd: 'drain', expected, timeoutMs: 60_000 }, 90_000)));
    const fresh = kind === 'relay' ? null : await verify(workers[0]!, server, [doc!]);
    const hist = new Histogram();
    for (const d of drained) hist.merge(d.hist);
    const secs = (c.durationMs - c.warmupMs) / 1000;
    const load = worstLoad(stopped.map((s) => s.load));
    return {
      clients: size,
      editsPerSec: stopped.reduce((s, r) => s + r.acked, 0) / secs,
      deliveriesPerSec: hist.count / secs,
      messagesPerSec: drained.reduce((s, d) => s + d.frames, 0) / secs,
      p50: hist.quantile(0.5),
      p99: hist.quantile(0.99),
      serverCpu: win.cores,
      rssPeakMB: win.peakRss / 2 ** 20,
      load,
      otherCores: background(win, load),
      converged: checkConvergence(`hot-${size}`, kind, drained, expected, fresh),
      warnings: warnCheck('hot', server),
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Idle connections
// ---------------------------------------------------------------------------------------------------------------

export interface ConnsResult {
  connections: number;
  kbPerConn: number;
  /** JS heap delta per connection (Tandem only, from its /metrics). */
  heapKbPerConn: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  acceptSec: number;
  cpuSec: number;
  cpuUsPerConn: number;
  connectP99: number;
  load: LoadSummary;
  /** Cores other processes on the machine used meanwhile: > 0.2 means the numbers are disturbed. */
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

export async function conns(cfg: BenchConfig, kind: ServerKind): Promise<ConnsResult> {
  const c = cfg.conns;
  const server = await start(cfg, 'conns', kind);
  const workers: LoadWorker[] = [];
  try {
    const docs = await server.createDocs(c.connections / c.perDoc, 'idle');
    const specs = docs.flatMap((d, i) => Array.from({ length: c.perDoc }, (_, j) => ({ ...d, cnum: i * c.perDoc + j + 1 })));
    const groups = split(specs, c.workers);
    for (let i = 0; i < groups.length; i++) workers.push(new LoadWorker(`conns-load-${i}`));
    await Promise.all(workers.map((w) => w.call({ cmd: 'drain', expected: {}, timeoutMs: 0 }, 10_000))); // workers up
    await sleep(cfg.settleMs);
    const heapBefore = (await server.stats())?.heapUsed ?? NaN;
    const rssBefore = rssBytes(server.pid);
    server.sampler.mark();
    const connected = await Promise.all(
      workers.map((w, i) => w.call({ cmd: 'connect', target: server.target, clients: groups[i]!, awareness: false, concurrency: c.concurrency, timeoutMs: 60_000 }, 180_000)),
    );
    const win = server.sampler.window();
    const acceptSec = Math.max(...connected.map((r) => r.ms)) / 1000;
    const failed = connected.reduce((s, r) => s + r.failures, 0);
    if (failed > 0) fail('conns', kind, `${failed} connections failed: ${connected.find((r) => r.failures)?.firstFailure}`);
    await sleep(cfg.settleMs + 500);
    const stats = await server.stats();
    const rssAfter = rssBytes(server.pid);
    if (stats && Number.isFinite(stats.connections) && stats.connections !== c.connections) {
      fail('conns', kind, `server reports ${stats.connections} connections, expected ${c.connections}`);
    }
    const drained: Drained[] = await Promise.all(workers.map((w) => w.call({ cmd: 'drain', expected: {}, timeoutMs: 5_000 }, 30_000)));
    return {
      connections: c.connections,
      kbPerConn: (rssAfter - rssBefore) / 1024 / c.connections,
      heapKbPerConn: ((stats?.heapUsed ?? NaN) - heapBefore) / 1024 / c.connections,
      rssBeforeMB: rssBefore / 2 ** 20,
      rssAfterMB: rssAfter / 2 ** 20,
      acceptSec,
      cpuSec: win.cpuSeconds,
      cpuUsPerConn: (win.cpuSeconds * 1e6) / c.connections,
      connectP99: Math.max(...connected.map((r) => r.p99)),
      load: worstLoad(connected.map((r) => r.load)),
      otherCores: background(win, worstLoad(connected.map((r) => r.load))),
      converged: failed === 0 && checkConvergence('conns', kind, drained, {}, null),
      warnings: warnCheck('conns', server),
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Real history
// ---------------------------------------------------------------------------------------------------------------

export interface HistoryResult {
  edits: number;
  intakeEditsPerSec: number;
  intakeSec: number;
  serverCpu: number;
  rssPeakMB: number;
  stateBytes: number;
  /** Fresh client's full sync after a restart (median of runs), ms; NaN for the relay. */
  coldSyncMs: number;
  /** Restart on the data the replay left: spawn → ready (median of the same runs), ms; NaN for the relay. */
  restartReadyMs: number;
  coldSyncRuns: number[];
  /** Server part: from opening the socket until the server's step2 frame arrived (median). */
  coldStep2Ms: number;
  /** Yjs alone: applyUpdate into a fresh doc + encodeStateAsUpdate, first run in a fresh process (median). */
  floorColdMs: number;
  /** Same, warmed up (median of later runs). */
  floorWarmMs: number;
  diskBytes: number;
  load: LoadSummary;
  /** Cores other processes on the machine used meanwhile: > 0.2 means the numbers are disturbed. */
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

export function dirBytes(dir: string): number {
  let total = 0;
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else total += st.size;
  };
  if (existsSync(dir)) visit(dir);
  return total;
}

export async function history(cfg: BenchConfig, kind: ServerKind): Promise<HistoryResult> {
  const c = cfg.history;
  const dataDir = join(cfg.runDir, `history-${kind}-${++serial}`);
  let server = await start(cfg, 'history', kind, dataDir);
  const statePath = join(cfg.runDir, `history-${kind}.state`);
  let worker = new LoadWorker('history-load');
  let doc: ClientSpec;
  let traced: any;
  let win;
  try {
    [doc] = (await server.createDocs(1, 'paper')) as [ClientSpec];
    server.sampler.mark();
    traced = await worker.call(
      { cmd: 'trace', target: server.target, doc, tracePath: cfg.tracePath, limit: Number.isFinite(c.limit) ? c.limit : 1e9, window: c.window, timeoutMs: 240_000, statePath },
      300_000,
    );
    win = server.sampler.window();
    if (!traced.converged) fail('history', kind, traced.timedOut ? 'replay timed out' : 'observer/writer text differs from the trace');
  } finally {
    await worker.close();
  }
  const warnings = warnCheck('history', server);
  const result: HistoryResult = {
    edits: traced.edits,
    intakeEditsPerSec: traced.edits / (traced.ms / 1000),
    intakeSec: traced.ms / 1000,
    serverCpu: win.cores,
    rssPeakMB: win.peakRss / 2 ** 20,
    stateBytes: traced.stateBytes,
    coldSyncMs: NaN,
    restartReadyMs: NaN,
    coldSyncRuns: [],
    coldStep2Ms: NaN,
    floorColdMs: NaN,
    floorWarmMs: NaN,
    diskBytes: NaN,
    load: worstLoad([traced.load]),
    otherCores: background(win!, worstLoad([traced.load])),
    converged: traced.converged,
    warnings,
  };
  if (kind === 'relay') {
    await server.stop();
    return result;
  }
  // Let the server write the document out the way it does when its last client leaves, then stop it.
  await waitFor(async () => ((await server.stats())?.docs ?? 0) === 0, 60_000, `${kind} to unload the document`, 100).catch((e) =>
    fail('history', kind, (e as Error).message),
  );
  const code = await server.stop(60_000);
  if (code !== 0 && isTandem(kind)) fail('history', kind, `server exited with ${code} on SIGTERM`);
  result.diskBytes = dirBytes(dataDir);
  const step2: number[] = [];
  const ready: number[] = [];
  for (let run = 0; run < c.coldRuns; run++) {
    server = await start(cfg, 'history', kind, dataDir);
    ready.push(server.readyMs);
    worker = new LoadWorker('history-cold');
    try {
      const r = await worker.call(
        { cmd: 'coldsync', target: server.target, doc: doc!, expectLength: traced.expectLength, expectHash: traced.expectHash, timeoutMs: 60_000, warmStatePath: statePath },
        90_000,
      );
      if (!r.ok) fail('history', kind, `fresh client after restart did not receive the full document`);
      result.coldSyncRuns.push(r.ms);
      step2.push(r.step2Ms);
    } finally {
      await worker.close();
      await server.stop(60_000);
    }
  }
  result.coldSyncMs = median(result.coldSyncRuns);
  result.coldStep2Ms = median(step2);
  result.restartReadyMs = median(ready);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < c.coldRuns; run++) {
    const w = new LoadWorker('floor');
    try {
      const r = await w.call({ cmd: 'floor', statePath, repeats: 7 }, 60_000);
      cold.push(r.cold);
      warm.push(r.warm);
    } finally {
      await w.close();
    }
  }
  result.floorColdMs = median(cold);
  result.floorWarmMs = median(warm);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Churn
// ---------------------------------------------------------------------------------------------------------------

export interface ChurnResult {
  docs: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  rssPeakMB: number;
  growth: number;
  /** JS heap in use before/after (Tandem only, from its /metrics): separates a leak from RSS the allocator keeps. */
  heapBeforeMB: number;
  heapAfterMB: number;
  openAfter: number;
  churnSec: number;
  serverCpu: number;
  load: LoadSummary;
  /** Cores other processes on the machine used meanwhile: > 0.2 means the numbers are disturbed. */
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

export async function churn(cfg: BenchConfig, kind: ServerKind): Promise<ChurnResult> {
  const c = cfg.churn;
  const server = await start(cfg, 'churn', kind);
  const worker = new LoadWorker('churn-load');
  const unloaded = () =>
    waitFor(async () => ((await server.stats())?.docs ?? 0) === 0, 30_000, `${kind} to unload every document`, 100).catch((e) =>
      fail('churn', kind, (e as Error).message),
    );
  try {
    const warmup = await server.createDocs(20, 'warm');
    const docs = await server.createDocs(c.docs, 'churn');
    // Warm the JIT and the allocator with a short round first, then take the baseline.
    await worker.call({ cmd: 'churn', target: server.target, docs: warmup.map((d, i) => ({ ...d, cnum: i + 1 })), concurrency: c.concurrency, edits: c.edits, timeoutMs: 20_000 }, 60_000);
    await unloaded();
    await sleep(c.settleMs);
    const heapBefore = (await server.stats())?.heapUsed ?? NaN;
    const before = rssBytes(server.pid);
    server.sampler.mark();
    const r = await worker.call(
      { cmd: 'churn', target: server.target, docs: docs.map((d, i) => ({ ...d, cnum: i + 100 })), concurrency: c.concurrency, edits: c.edits, timeoutMs: 20_000 },
      600_000,
    );
    const win = server.sampler.window();
    if (r.failures > 0) fail('churn', kind, `${r.failures} documents failed: ${r.firstFailure}`);
    await unloaded();
    // V8's memory reducer shrinks the heap a few seconds after activity stops: give it that chance.
    await sleep(c.settleMs);
    const after = rssBytes(server.pid);
    const statsAfter = await server.stats();
    const openAfter = statsAfter?.docs ?? NaN;
    let converged = r.failures === 0;
    if (kind !== 'relay') {
      // What was typed survived the unload: a fresh client of a sample of documents sees every edit.
      const sample = docs.filter((_, i) => i % Math.ceil(docs.length / 20) === 0);
      const fresh = await verify(worker, server, sample);
      for (const d of sample) {
        if (fresh[d.doc]?.marks !== c.edits) {
          fail('churn', kind, `document ${d.doc} reopened with ${fresh[d.doc]?.marks} of ${c.edits} edits`);
          converged = false;
          break;
        }
      }
    }
    return {
      docs: c.docs,
      rssBeforeMB: before / 2 ** 20,
      rssAfterMB: after / 2 ** 20,
      rssPeakMB: win.peakRss / 2 ** 20,
      growth: after / before - 1,
      heapBeforeMB: heapBefore / 2 ** 20,
      heapAfterMB: (statsAfter?.heapUsed ?? NaN) / 2 ** 20,
      openAfter,
      churnSec: r.ms / 1000,
      serverCpu: win.cores,
      load: worstLoad([r.load]),
      otherCores: background(win, worstLoad([r.load])),
      converged,
      warnings: warnCheck('churn', server),
    };
  } finally {
    await worker.close();
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Several instances
// ---------------------------------------------------------------------------------------------------------------

export interface InstancesPhase {
  /** Sender and receiver on different instances; with one instance, every delivery. */
  p50: number;
  p99: number;
  /** Sender and receiver on the same instance (NaN when no two clients share one). */
  sameP50: number;
  deliveries: number;
  /** Hot load only: acknowledged (delivered) edits per second. */
  editsPerSec: number;
  /** CPU of all instances together. */
  serverCpu: number;
  /** CPU of redis-server and PostgreSQL (postmaster and backends); NaN on the file store. */
  backingCpu: number;
  load: LoadSummary;
  otherCores: number;
  converged: boolean;
}

export interface InstancesResult {
  instances: number;
  store: 'file' | 'postgres';
  paced: InstancesPhase;
  hot: InstancesPhase;
  warnings: string[];
}

/**
 * Splits clients 1…N (client c on instance (c − 1) mod n) into two load processes so that every hot-document
 * ring — each client's edits acknowledged by the next client of its process — pairs clients on different
 * instances: inside a run of consecutive client numbers neighbours always differ, and the pair that closes
 * the ring (last → first) differs when (length − 1) is not a multiple of n.
 */
function ringGroups<T>(specs: T[], n: number): T[][] {
  const N = specs.length;
  let best = Math.floor(N / 2);
  if (n > 1) {
    const fits = (len: number) => len >= 2 && (len - 1) % n !== 0;
    const candidates = Array.from({ length: N - 3 }, (_, i) => i + 2).filter((a) => fits(a) && fits(N - a));
    candidates.sort((a, b) => Math.abs(2 * a - N) - Math.abs(2 * b - N));
    if (candidates.length) best = candidates[0]!;
  }
  return [specs.slice(0, best), specs.slice(best)];
}

async function instancesPhase(
  cfg: BenchConfig,
  scenario: string,
  mode: 'paced' | 'hot',
  servers: ServerHandle[],
  backing: TreeSampler | null,
): Promise<InstancesPhase> {
  const c = cfg.instances;
  const n = servers.length;
  const workers: LoadWorker[] = [];
  const label = `${scenario} ${mode}`;
  try {
    const [doc] = await servers[0]!.createDocs(1, `inst-${mode}`);
    const instanceOf: Record<number, number> = {};
    const specs: ClientSpec[] = Array.from({ length: c.clients }, (_, i) => {
      const cnum = i + 1;
      instanceOf[cnum] = i % n;
      return { ...doc!, cnum, port: servers[i % n]!.target.port };
    });
    const groups = mode === 'hot' ? ringGroups(specs, n) : split(specs, 2);
    for (let i = 0; i < groups.length; i++) workers.push(new LoadWorker(`instances-${mode}-load-${i}`));
    const connected = await Promise.all(
      workers.map((w, i) =>
        w.call({ cmd: 'connect', target: servers[0]!.target, clients: groups[i]!, awareness: mode === 'paced', concurrency: 50, timeoutMs: 20_000, instanceOf }, 60_000),
      ),
    );
    for (const r of connected) if (r.failures > 0) throw new Error(`${r.failures} clients failed to connect: ${r.firstFailure}`);
    await sleep(300);
    for (const s of servers) s.sampler.mark();
    backing?.mark();
    const durationMs = mode === 'hot' ? c.hotMs : c.pacedMs;
    const warmupMs = mode === 'hot' ? c.hotWarmupMs : c.pacedWarmupMs;
    const stopped = await Promise.all(
      workers.map((w) =>
        w.call(mode === 'hot' ? { cmd: 'hot', window: c.window, durationMs, warmupMs } : { cmd: 'fanout', rateHz: c.rateHz, durationMs, warmupMs }, durationMs + 30_000),
      ),
    );
    const wins = servers.map((s) => s.sampler.window());
    const back = backing?.window();
    const expected: Record<string, number> = {};
    for (const s of stopped) for (const [d, k] of Object.entries(s.sent as Record<string, number>)) expected[d] = (expected[d] ?? 0) + k;
    const drained: Drained[] = await Promise.all(workers.map((w) => w.call({ cmd: 'drain', expected, timeoutMs: 60_000 }, 90_000)));
    // What every instance serves a fresh client must be what the editors converged to.
    const fresh: Record<string, Digest>[] = [];
    for (const s of servers) fresh.push(await verify(workers[0]!, s, [{ ...doc!, port: s.target.port }]));
    let converged = checkConvergence(label, 'tandem', drained, expected, fresh[0]!);
    for (let i = 1; i < n && converged; i++) {
      const a = fresh[0]![doc!.doc];
      const b = fresh[i]![doc!.doc];
      if (!a || !b || a.text !== b.text || a.marks !== b.marks || a.sv !== b.sv) {
        fail(label, 'tandem', `instance ${i + 1} serves ${JSON.stringify(b)}, instance 1 serves ${JSON.stringify(a)}`);
        converged = false;
      }
    }
    const all = new Histogram();
    const cross = new Histogram();
    const same = new Histogram();
    for (const d of drained) {
      all.merge(d.hist);
      cross.merge(d.histCross);
      same.merge(d.histSame);
    }
    const measured = n > 1 ? cross : all;
    const secs = (durationMs - warmupMs) / 1000;
    const load = worstLoad(stopped.map((s) => s.load));
    const serverCpu = wins.reduce((sum, w) => sum + w.cores, 0);
    const backingCpu = back?.cores ?? NaN;
    return {
      p50: measured.quantile(0.5),
      p99: measured.quantile(0.99),
      sameP50: n > 1 ? same.quantile(0.5) : all.quantile(0.5),
      deliveries: measured.count,
      editsPerSec: mode === 'hot' ? stopped.reduce((sum, r) => sum + r.acked, 0) / secs : NaN,
      serverCpu,
      backingCpu,
      load,
      otherCores: Math.max(0, wins[0]!.machineCores - serverCpu - (Number.isFinite(backingCpu) ? backingCpu : 0) - load.total),
      converged,
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** One configuration: `n` instances, on PostgreSQL + Redis (a fresh database) or, for the reference, the file store. */
async function instancesRun(
  cfg: BenchConfig,
  n: number,
  backing: { redis: BenchRedis; pg: BenchPostgres; secret: string; sampler: TreeSampler } | null,
): Promise<InstancesResult> {
  const store = backing ? 'postgres' : 'file';
  const scenario = `instances-${n}${backing ? '' : '-file'}`;
  const env: Record<string, string> = { ...TANDEM_ENV.instances };
  if (backing) {
    env.DATABASE_URL = await backing.pg.createDatabase(`bench_${n}_instances_${++serial}`);
    env.REDIS_URL = backing.redis.url;
    env.SECRET = backing.secret;
  } else {
    // Empty means unset to Tandem: the embedded file store, whatever the bench's own environment says.
    env.DATABASE_URL = '';
    env.REDIS_URL = '';
  }
  const servers: ServerHandle[] = [];
  try {
    const startOne = (i: number) => startServer('tandem', { dataDir: join(cfg.runDir, `${scenario}-${i}-${++serial}`), env });
    // The first creates the schema, then the others start together and find it.
    servers.push(await startOne(0));
    const rest = await Promise.allSettled(Array.from({ length: n - 1 }, (_, i) => startOne(i + 1)));
    for (const r of rest) if (r.status === 'fulfilled') servers.push(r.value);
    for (const r of rest) if (r.status === 'rejected') throw r.reason;
    const paced = await instancesPhase(cfg, scenario, 'paced', servers, backing?.sampler ?? null);
    const hot = await instancesPhase(cfg, scenario, 'hot', servers, backing?.sampler ?? null);
    return { instances: n, store, paced, hot, warnings: servers.flatMap((s) => warnCheck(scenario, s)).slice(0, 3) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * The same document served by 1, 2 and 3 Tandem instances sharing one PostgreSQL and one Redis (started here,
 * once, on free loopback ports), clients spread round-robin over the instances; optionally one instance on
 * the file store first, as a reference. A failed configuration is recorded and the next one still runs.
 */
export async function instances(cfg: BenchConfig, say: (s: string) => void): Promise<Record<string, InstancesResult>> {
  const c = cfg.instances;
  const out: Record<string, InstancesResult> = {};
  const attempt = async (key: string, fn: () => Promise<InstancesResult>) => {
    say(`instances: ${key}…`);
    try {
      out[key] = await fn();
    } catch (error) {
      fail(`instances-${key}`, 'tandem', (error as Error).message);
    }
  };
  if (c.fileReference) await attempt('file', () => instancesRun(cfg, 1, null));
  const started = await Promise.allSettled([startRedis(), startPostgres()]);
  if (started[0].status === 'rejected' || started[1].status === 'rejected') {
    if (started[0].status === 'fulfilled') await started[0].value.stop();
    if (started[1].status === 'fulfilled') await started[1].value.destroy();
    const reason = started[0].status === 'rejected' ? started[0].reason : (started[1] as PromiseRejectedResult).reason;
    fail('instances', 'tandem', `could not start Redis and PostgreSQL: ${(reason as Error).message}`);
    return out;
  }
  const redis = started[0].value;
  const pg = started[1].value;
  // Interrupted (Ctrl-C): PostgreSQL runs detached from us, so stop it and Redis before exiting.
  const onSignal = (signal: NodeJS.Signals) => {
    redis.stopSync();
    pg.destroySync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const sampler = new TreeSampler(() => [redis.pid, pg.pid()]);
    const backing = { redis, pg, secret: randomBytes(32).toString('hex'), sampler };
    for (const n of c.counts) await attempt(String(n), () => instancesRun(cfg, n, backing));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all([redis.stop(), pg.destroy()]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Intake curve
// ---------------------------------------------------------------------------------------------------------------

/** Alone: the writer is the document's only client. With a reader: one more client receives every relay. */
export type IntakePhase = 'alone' | 'reader';

export interface IntakeCurveResult {
  phase: IntakePhase;
  edits: number;
  sent: number;
  /** Edits the server had handled when the run ended (all of them when `finished`). */
  confirmed: number;
  finished: boolean;
  /** Edits/s of each slice of `slice` edits, in order (as far as the server got); see `sliceRates`. */
  curve: number[];
  slice: number;
  /** When the probe after each slice was answered, ms after the first edit. */
  answeredMs: number[];
  /** First edit → the server has handled the last one (or the time limit). */
  totalSec: number;
  /** The text a fresh client (with a reader: the reader) ends with equals the trace's; null when not finished. */
  textOk: boolean | null;
  serverCpu: number;
  rssPeakMB: number;
  load: LoadSummary;
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

/** Answers closer together than this came out of one burst of the server's work (over 500,000 edits/s per 10k). */
const BURST_MS = 20;

/**
 * Edits/s per slice from the times its probe answers arrived. A server handles what one read of its socket
 * brought (Node reads up to 2 MB, ~60,000 of these messages, at once) before it answers, so answers come in
 * bursts; answers within `BURST_MS` of the previous one share the time since the answer before the burst.
 */
export function sliceRates(answeredMs: number[], slice: number, edits: number): number[] {
  const rates: number[] = [];
  let start = 0;
  let since = 0;
  for (let i = 0; i < answeredMs.length; i++) {
    const last = i === answeredMs.length - 1 || answeredMs[i + 1]! - answeredMs[i]! >= BURST_MS;
    if (!last) continue;
    const handled = Math.min((i + 1) * slice, edits) - start * slice;
    const rate = (handled / (answeredMs[i]! - since)) * 1000;
    for (let k = start; k <= i; k++) rates.push(rate);
    start = i + 1;
    since = answeredMs[i]!;
  }
  return rates;
}

/**
 * One writer replays the trace one message per edit as fast as its socket accepts them (backpressure only),
 * probing the server after every slice; the server's answers time each slice. `reader`: a second client in
 * its own load process, connected before the first edit, receives every relay (through the raw relay it is
 * also what answers the probes, so the relay runs only this phase).
 */
export async function intakeCurve(cfg: BenchConfig, kind: ServerKind, phase: IntakePhase): Promise<IntakeCurveResult> {
  const c = cfg.intakeCurve;
  const server = await start(cfg, 'intake-curve', kind);
  const writer = new LoadWorker(`intake-${phase}-writer`);
  const reader = phase === 'reader' ? new LoadWorker(`intake-${phase}-reader`) : null;
  const label = `intake-curve (${phase})`;
  try {
    const [doc] = (await server.createDocs(1, `intake-${phase}`)) as [ClientSpec];
    if (reader) {
      const r = await reader.call({ cmd: 'connect', target: server.target, clients: [{ ...doc, cnum: 2 }], awareness: false, concurrency: 1, timeoutMs: 20_000 }, 60_000);
      if (r.failures > 0) throw new Error(`the reader failed to connect: ${r.firstFailure}`);
    }
    server.sampler.mark();
    const r = await writer.call(
      {
        cmd: 'intake',
        target: server.target,
        doc,
        tracePath: cfg.tracePath,
        limit: Number.isFinite(c.limit) ? c.limit : 1e9,
        slice: c.slice,
        timeLimitMs: c.timeLimitMs,
        freshReader: !reader,
        timeoutMs: 60_000,
      },
      c.timeLimitMs + 180_000,
    );
    const win = server.sampler.window();
    let textOk: boolean | null = r.textOk;
    if (reader && r.finished) {
      // The reader may still be applying what reached it: wait (bounded) until it holds the trace's text.
      const deadline = Date.now() + 60_000;
      for (textOk = false; !textOk && Date.now() < deadline; await sleep(200)) {
        const d: Drained = await reader.call({ cmd: 'drain', expected: {}, timeoutMs: 0 }, 60_000);
        textOk = Object.values(d.digests)[0]?.[0]?.text === r.expectHash;
      }
    }
    if (textOk === false) fail(label, kind, 'the text a reader ends with differs from the trace');
    if (!r.finished) process.stderr.write(`  ${kind} handled ${r.confirmed} of ${r.edits} edits within ${c.timeLimitMs / 1000} s\n`);
    const load = worstLoad([r.load]);
    return {
      phase,
      edits: r.edits,
      sent: r.sent,
      confirmed: r.confirmed,
      finished: r.finished,
      curve: sliceRates(r.answeredMs, c.slice, r.edits),
      slice: c.slice,
      answeredMs: r.answeredMs,
      totalSec: r.totalMs / 1000,
      textOk,
      serverCpu: win.cores,
      rssPeakMB: win.peakRss / 2 ** 20,
      load,
      otherCores: background(win, load),
      converged: textOk !== false,
      warnings: warnCheck(label, server),
    };
  } finally {
    await Promise.all([writer.close(), reader?.close()]);
    // A server still working through a backlog is not waited for long.
    await server.stop(10_000);
  }
}

// ---- Several writers: the server's intake, not one generator's ----

/** Four writers on four documents, or four writers on one document (each its own `Y.Text`). */
export type WritersLayout = 'docs' | 'doc';

export interface IntakeWritersResult {
  layout: WritersLayout;
  writers: number;
  /** Edits each writer replays. */
  edits: number;
  /** Edits the server confirmed, all writers together. */
  confirmed: number;
  finished: boolean;
  /** First edit → the last writer's last edit handled (or the time limit). */
  totalSec: number;
  /** confirmed / totalSec: the server's aggregate intake. */
  editsPerSec: number;
  /** The slowest writer's whole-run rate: a server that starves one document shows here. */
  slowestWriter: number;
  textOk: boolean | null;
  serverCpu: number;
  rssPeakMB: number;
  load: LoadSummary;
  otherCores: number;
  converged: boolean;
  warnings: string[];
}

/**
 * [#17] The intake of several writer processes at once, each replaying a prefix of the trace one message per edit as
 * fast as its socket accepts: with one writer, a single generator process bounds the figure; with four (one per
 * process) the server is what is measured. On one document every writer also receives the others' relays.
 */
export async function intakeWriters(cfg: BenchConfig, kind: ServerKind, layout: WritersLayout): Promise<IntakeWritersResult> {
  const c = cfg.intakeWriters;
  const server = await start(cfg, 'intake-curve', kind);
  const writers = Array.from({ length: c.writers }, (_, i) => new LoadWorker(`intake-writers-${layout}-${i}`));
  const label = `intake-writers (${layout})`;
  try {
    const docs = await server.createDocs(layout === 'docs' ? c.writers : 1, `writers-${layout}`);
    // Every writer connects and syncs first, then all start at once: none floods the server while another is
    // still joining (a joining writer waiting behind another's flood measured the server's fairness, not intake).
    void Promise.all(writers.map((worker) => worker.ready())).then(() => {
      server.sampler.mark();
      for (const worker of writers) worker.go();
    });
    const replies = await Promise.all(
      writers.map((worker, i) =>
        worker.call(
          {
            cmd: 'intake',
            target: server.target,
            doc: docs[layout === 'docs' ? i : 0]!,
            tracePath: cfg.tracePath,
            limit: c.limit,
            slice: c.slice,
            timeLimitMs: c.timeLimitMs,
            freshReader: kind !== 'relay',
            textName: `bench-${i}`,
            timeoutMs: 60_000,
            startTogether: true,
          },
          c.timeLimitMs + 180_000,
        ),
      ),
    );
    const win = server.sampler.window();
    const confirmed = replies.reduce((sum, r) => sum + r.confirmed, 0);
    const totalSec = Math.max(...replies.map((r) => r.totalMs)) / 1000;
    const textOk = replies.some((r) => r.textOk === null) ? null : replies.every((r) => r.textOk);
    if (textOk === false) fail(label, kind, 'a fresh client does not hold every writer\'s text');
    const load = worstLoad(replies.map((r) => r.load));
    return {
      layout,
      writers: c.writers,
      edits: replies[0]!.edits,
      confirmed,
      finished: replies.every((r) => r.finished),
      totalSec,
      editsPerSec: confirmed / totalSec,
      slowestWriter: Math.min(...replies.map((r) => r.confirmed / (r.totalMs / 1000))),
      textOk,
      serverCpu: win.cores,
      rssPeakMB: win.peakRss / 2 ** 20,
      load,
      otherCores: background(win, load),
      converged: textOk !== false,
      warnings: warnCheck(label, server),
    };
  } finally {
    await Promise.all(writers.map((w) => w.close()));
    await server.stop(10_000);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 13. Start-up
// ---------------------------------------------------------------------------------------------------------------

export interface StartupResult {
  runs: number;
  /** Spawn → first answer on the readiness route (median), ms. */
  readyMs: number;
  /** CPU the process used until then (median), ms. */
  readyCpuMs: number;
  /** RSS after sitting idle for `idleMs` with no client ever connected (median), MB. */
  idleRssMB: number;
  /** Cores other processes on the machine used meanwhile (median over runs). */
  otherCores: number;
}

/**
 * Each server started `runs` times on an empty data directory, the servers taking turns (the order reversed every
 * other run), so noise on the machine falls on all of them alike: how fast it is ready to serve, what that costs,
 * and how much memory it holds doing nothing.
 */
export async function startup(cfg: BenchConfig, kinds: ServerKind[]): Promise<Partial<Record<ServerKind, StartupResult>>> {
  const samples = new Map<ServerKind, { ready: number[]; cpu: number[]; rss: number[]; other: number[] }>();
  for (const kind of kinds) samples.set(kind, { ready: [], cpu: [], rss: [], other: [] });
  for (let run = 0; run < cfg.startup.runs; run++) {
    for (const kind of run % 2 === 0 ? kinds : [...kinds].reverse()) {
      const busyBefore = machineBusySeconds();
      const wallBefore = performance.now();
      const server = await start(cfg, 'startup', kind);
      try {
        await sleep(cfg.startup.idleMs);
        const s = samples.get(kind)!;
        s.ready.push(server.readyMs);
        s.cpu.push(server.readyCpuSec * 1000);
        s.rss.push(rssBytes(server.pid) / 2 ** 20);
        const serverCpu = cpuSeconds(server.pid);
        s.other.push(Math.max(0, (machineBusySeconds() - busyBefore - serverCpu) / ((performance.now() - wallBefore) / 1000)));
      } finally {
        await server.stop();
      }
    }
  }
  const out: Partial<Record<ServerKind, StartupResult>> = {};
  for (const [kind, s] of samples) {
    out[kind] = { runs: s.ready.length, readyMs: median(s.ready), readyCpuMs: median(s.cpu), idleRssMB: median(s.rss), otherCores: median(s.other) };
  }
  return out;
}
