import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, getPriority, setPriority, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { barChart, buildColumnTable, buildTable, fmt, lineChart, ORDER, PEERS, tableToMarkdown, tableToText, type BarGroup, type Metric, type Table } from './report.js';
import * as S from './scenarios.js';
import { BENCH_DIR, isTandem, REPO_ROOT, SERVER_LABEL, tandemMain, type ServerKind } from './servers.js';
import { HISTORY_REQUESTS, versions as versionsScenario, type HistoryRequest, type VersionsResult } from './versions.js';
import { writeFlameGraphs } from './flamegraph.js';
import { summarizeProfiles } from './profile.js';
import { machineBusySeconds } from './proc.js';
import { scopeCost, type ScopeCostCase, type ScopeCostResult } from './scope-cost.js';
import { closeRichDocProcesses, richDoc, type RichDocResult, type UploadResult } from './rich-doc.js';

/**
 * `npm run bench [-- --quick] [--scenarios=fanout,hot,conns,history,churn,instances,intake-curve,intake-writers,versions,comment-scope,rich-doc,startup] [--servers=tandem,tandem-nohist,ywss,hocus,relay] [--profile]`
 *
 * Starts every server as its own process on 127.0.0.1, drives it from separate load processes, prints one
 * table per scenario (every server side by side, ratios to the best Yjs peer), writes bench/results/latest.json
 * and — for a full run of everything — docs/benchmarks.md with SVG charts. Exits non-zero when any scenario
 * fails to converge or errors.
 */

const SCENARIOS = ['fanout', 'hot', 'conns', 'history', 'churn', 'instances', 'intake-curve', 'intake-writers', 'versions', 'comment-scope', 'rich-doc', 'startup'] as const;
type Scenario = (typeof SCENARIOS)[number];

// Options come as arguments, or — when the root script \`npm run bench -w bench\` is given \`-- --quick\` and npm takes
// them as its own config — as the \`npm_config_*\` variables npm exports to the script.
const args = process.argv.slice(2);
const npmConfig = (name: string) => process.env[`npm_config_${name.replace(/-/g, '_')}`];
const flag = (name: string) => args.includes(`--${name}`) || npmConfig(name) === 'true';
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? npmConfig(name);
const quick = flag('quick');
// --priority=-10 (root) runs the servers and clients at a higher scheduling priority than other work on the
// machine (children inherit it): on a shared machine it keeps other processes from disturbing the numbers.
const priority = option('priority');
if (priority !== undefined) setPriority(Number(priority));
const profile = flag('profile');
const only = (option('scenarios')?.split(',') ?? [...SCENARIOS]) as Scenario[];
const servers = (option('servers')?.split(',') ?? ORDER) as ServerKind[];
for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
for (const s of servers) if (!ORDER.includes(s)) throw new Error(`unknown server ${s}`);
const complete = !quick && !profile && only.length === SCENARIOS.length && servers.length === ORDER.length;

const tracePath = process.env.BENCH_TRACE ?? join(REPO_ROOT, '../shared/data/editing-traces/automerge-paper.json.gz');
if ((only.includes('history') || only.includes('intake-curve') || only.includes('intake-writers') || only.includes('versions') || only.includes('comment-scope')) && !existsSync(tracePath)) throw new Error(`editing trace not found at ${tracePath} (set BENCH_TRACE)`);

const runDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
const resultsDir = join(BENCH_DIR, 'results');
mkdirSync(resultsDir, { recursive: true });
const profileDir = profile ? join(resultsDir, 'profiles') : undefined;
if (profileDir) rmSync(profileDir, { recursive: true, force: true });
const cfg = S.makeConfig(quick, runDir, tracePath);
cfg.profileDir = profileDir;

const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0)}s`;
const say = (s: string) => process.stdout.write(`[${elapsed()}] ${s}\n`);

const results: {
  fanout: Partial<Record<ServerKind, S.FanoutResult>>;
  hot: Record<number, Partial<Record<ServerKind, S.HotResult>>>;
  conns: Partial<Record<ServerKind, S.ConnsResult>>;
  history: Partial<Record<ServerKind, S.HistoryResult>>;
  churn: Partial<Record<ServerKind, S.ChurnResult>>;
  /** Tandem only: 'file' (one instance, file store) and '1', '2', '3' instances on PostgreSQL + Redis. */
  instances: Record<string, S.InstancesResult>;
  /** The curve with the writer alone in its document, and with one more client receiving every relay. */
  intakeCurve: Record<S.IntakePhase, Partial<Record<ServerKind, S.IntakeCurveResult>>>;
  intakeWriters: Record<S.WritersLayout, Partial<Record<ServerKind, S.IntakeWritersResult>>>;
  /** Tandem with history (`tandem`) and with HISTORY=off (`tandem-nohist`). */
  versions: Partial<Record<ServerKind, VersionsResult>>;
  /** Tandem only, in-process: the comment rules' cost per update. */
  commentScope?: ScopeCostResult;
  /** A document of tables and images against plain text of the same encoded size; Tandem's uploads. */
  richDoc: Partial<Record<ServerKind, RichDocResult>>;
  startup: Partial<Record<ServerKind, S.StartupResult>>;
} = { fanout: {}, hot: {}, conns: {}, history: {}, churn: {}, instances: {}, intakeCurve: { alone: {}, reader: {} }, intakeWriters: { docs: {}, doc: {} }, versions: {}, richDoc: {}, startup: {} };

async function attempt<T>(scenario: string, kind: ServerKind, fn: () => Promise<T>): Promise<T | undefined> {
  say(`${scenario}: ${SERVER_LABEL[kind]}…`);
  try {
    return await fn();
  } catch (error) {
    S.failures.push({ scenario, server: kind, message: (error as Error).message });
    process.stderr.write(`\x1b[31m✗ ${scenario} / ${kind}: ${(error as Error).stack}\x1b[0m\n`);
    return undefined;
  }
}

tandemMain(); // build first if needed, so no scenario pays for it

/** Other processes' CPU over `ms` (cores): the benchmark wants a quiet machine. */
async function machineNoise(ms: number): Promise<number> {
  const a = machineBusySeconds();
  await new Promise((r) => setTimeout(r, ms));
  return (machineBusySeconds() - a) / (ms / 1000);
}
{
  const waitMin = Number(option('wait-quiet') ?? 0);
  const deadline = Date.now() + waitMin * 60_000;
  let noise = await machineNoise(2000);
  while (noise > 0.3 && Date.now() < deadline) {
    say(`machine busy (${noise.toFixed(2)} cores used by other processes); waiting for it to quiet down…`);
    noise = await machineNoise(10_000);
  }
  if (noise > 0.3) say(`⚠ other processes are using ${noise.toFixed(2)} cores: results will be disturbed (see "other processes" rows; --wait-quiet=MINUTES waits)`);
}
const order = servers.filter((k) => ORDER.includes(k));
/**
 * Tandem with HISTORY=off is the baseline that what history costs is measured against: unless `--servers` names
 * it (then it runs wherever asked) it runs only in the scenarios that compare history on and off.
 */
const NOHIST_SCENARIOS: readonly Scenario[] = ['fanout', 'hot', 'history', 'versions'];
const explicitServers = option('servers') !== undefined;
const orderFor = (scenario: Scenario) => order.filter((k) => k !== 'tandem-nohist' || explicitServers || NOHIST_SCENARIOS.includes(scenario));
/**
 * Latency and throughput scenarios run `rounds` times, the server order reversed every other round, and each server
 * keeps its least disturbed round (lowest "other processes" CPU): on a shared machine, noise that hits one server's
 * turn would otherwise decide the comparison.
 */
const rounds = quick ? 1 : 2;
const keepQuietest = <R extends { otherCores: number }>(prev: R | undefined, next: R | undefined) =>
  !prev ? next : !next ? prev : next.otherCores < prev.otherCores ? next : prev;
const roundOrder = (scenario: Scenario, round: number) => (round % 2 === 0 ? orderFor(scenario) : [...orderFor(scenario)].reverse());
for (const scenario of only) {
  const order = orderFor(scenario);
  if (scenario === 'fanout')
    for (let round = 0; round < rounds; round++)
      for (const k of roundOrder(scenario, round)) {
        const r = await attempt(`fanout (round ${round + 1}/${rounds})`, k, () => S.fanout(cfg, k));
        results.fanout[k] = keepQuietest(results.fanout[k], r);
      }
  if (scenario === 'hot') {
    for (const size of cfg.hot.sizes) results.hot[size] = {};
    for (let round = 0; round < rounds; round++)
      for (const k of roundOrder(scenario, round)) {
        const rs = await attempt(`hot (round ${round + 1}/${rounds})`, k, () => S.hot(cfg, k));
        for (const r of rs ?? []) results.hot[r.clients]![k] = keepQuietest(results.hot[r.clients]![k], r);
      }
  }
  if (scenario === 'conns') for (const k of order) { const r = await attempt('conns', k, () => S.conns(cfg, k)); if (r) results.conns[k] = r; }
  if (scenario === 'history') for (const k of order) { const r = await attempt('history', k, () => S.history(cfg, k)); if (r) results.history[k] = r; }
  if (scenario === 'churn') for (const k of order) { const r = await attempt('churn', k, () => S.churn(cfg, k)); if (r) results.churn[k] = r; }
  // Tandem against itself: only the number of instances changes.
  if (scenario === 'instances' && order.includes('tandem')) results.instances = await S.instances(cfg, say);
  if (scenario === 'intake-curve')
    for (const phase of ['alone', 'reader'] as const)
      for (const k of order) {
        // The raw relay holds nothing: a probe is answered only by another client, so it runs with the reader only.
        if (phase === 'alone' && k === 'relay') continue;
        const r = await attempt(`intake-curve (${phase})`, k, () => S.intakeCurve(cfg, k, phase));
        if (r) results.intakeCurve[phase][k] = r;
      }
  if (scenario === 'intake-writers')
    for (const layout of ['docs', 'doc'] as const)
      for (const k of order) {
        // The raw relay holds nothing: a probe would be answered by no one.
        if (k === 'relay') continue;
        const r = await attempt(`intake-writers (${layout})`, k, () => S.intakeWriters(cfg, k, layout));
        if (r) results.intakeWriters[layout][k] = r;
      }
  // History on and off: only Tandem has it.
  if (scenario === 'versions')
    for (const k of order.filter(isTandem)) {
      const r = await attempt('versions', k, () => versionsScenario(cfg, k));
      if (r) results.versions[k] = r;
    }
  // The raw relay holds no document a fresh client could sync from.
  if (scenario === 'rich-doc')
    for (const k of order.filter((k) => k !== 'relay')) {
      const r = await attempt('rich-doc', k, () => richDoc(cfg, k));
      if (r) results.richDoc[k] = r;
    }
  if (scenario === 'rich-doc') await closeRichDocProcesses();
  // All servers take turns within each round of start-ups, so one burst of noise cannot pick the winner.
  if (scenario === 'startup') results.startup = (await attempt('startup', order[0]!, () => S.startup(cfg, order))) ?? {};
  // The comment rules in-process on the server's own modules: a cost per update, no server to compare with.
  if (scenario === 'comment-scope' && order.includes('tandem'))
    results.commentScope = await attempt('comment-scope', 'tandem', () => scopeCost(tracePath, quick ? 60_000 : Infinity, quick ? 2_000 : 10_000));
}

// ---------------------------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------------------------

const loadNote = (rs: Partial<Record<ServerKind, { load: { cpu: number; loopP99: number }; otherCores: number }>>) => {
  const hot = Object.entries(rs).filter(([, r]) => r && r.load.cpu > 0.9);
  const noisy = Object.entries(rs).filter(([, r]) => r && r.otherCores > 0.2);
  return [
    hot.length
      ? `⚠ load generator saturated (a load process used > 90 % of a core) for: ${hot.map(([k, r]) => `${SERVER_LABEL[k as ServerKind]} ${(r!.load.cpu * 100).toFixed(0)} %`).join(', ')} — those numbers are bounded by the clients, not only the server.`
      : 'Load generator not saturated (every load process < 90 % of a core).',
    noisy.length
      ? `⚠ other processes on the machine used CPU during: ${noisy.map(([k, r]) => `${SERVER_LABEL[k as ServerKind]} ${r!.otherCores.toFixed(2)} cores`).join(', ')} — those numbers are disturbed.`
      : '',
  ].filter(Boolean).join(' ');
};
const otherRow = <R extends { otherCores: number }>(): Metric<R> => ({ label: 'other processes on the machine', unit: 'cores', better: 'none', get: (r) => r.otherCores });
const loadRow = <R extends { load: { cpu: number } }>(): Metric<R> => ({ label: 'load generator CPU, busiest process', unit: '% of a core', better: 'none', get: (r) => r.load.cpu * 100, digits: 0 });
const okRow = <R extends { converged: boolean }>(): Metric<R> => ({ label: 'converged', unit: '', better: 'none', get: (r) => (r.converged ? 1 : 0), text: (v) => (v ? 'yes' : 'NO') });

const tables: Record<string, Table> = {};
if (Object.keys(results.fanout).length) {
  tables.fanout = buildTable(
    `1. Fan-out — ${cfg.fanout.docs} documents × ${cfg.fanout.clientsPerDoc} clients, ${cfg.fanout.rateHz} keystrokes/s each + a cursor update per keystroke`,
    results.fanout,
    [
      { label: 'latency p50', unit: 'ms', better: 'lower', get: (r) => r.p50 },
      { label: 'latency p95', unit: 'ms', better: 'lower', get: (r) => r.p95 },
      { label: 'latency p99', unit: 'ms', better: 'lower', get: (r) => r.p99 },
      { label: 'latency max', unit: 'ms', better: 'lower', get: (r) => r.max },
      { label: 'server CPU', unit: '% of a core', better: 'lower', get: (r) => r.serverCpu * 100 },
      { label: 'server RSS, peak', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      { label: 'deliveries measured', unit: '', better: 'none', get: (r) => r.deliveries, digits: 0 },
      loadRow(),
      otherRow(),
      okRow(),
    ],
    loadNote(results.fanout),
  );
}
for (const [size, rs] of Object.entries(results.hot)) {
  if (!Object.keys(rs).length) continue;
  tables[`hot-${size}`] = buildTable(
    `2. Hot document — ${size} clients in one document, each with ≤ ${cfg.hot.window} unacknowledged edits in flight`,
    rs,
    [
      { label: 'delivered edits/s', unit: '', better: 'higher', get: (r) => r.editsPerSec },
      { label: 'deliveries/s (edit × receiver)', unit: '', better: 'higher', get: (r) => r.deliveriesPerSec },
      { label: 'messages/s received by clients', unit: '', better: 'none', get: (r) => r.messagesPerSec },
      { label: 'latency p50', unit: 'ms', better: 'lower', get: (r) => r.p50 },
      { label: 'latency p99', unit: 'ms', better: 'lower', get: (r) => r.p99 },
      { label: 'server CPU', unit: '% of a core', better: 'none', get: (r) => r.serverCpu * 100 },
      { label: 'server RSS, peak', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      loadRow(),
      otherRow(),
      okRow(),
    ],
    loadNote(rs),
  );
}
if (Object.keys(results.conns).length) {
  tables.conns = buildTable(
    `3. Idle connections — ${cfg.conns.connections.toLocaleString('en-US')} sockets, ${cfg.conns.perDoc} per document, each synced`,
    results.conns,
    [
      { label: 'memory per connection', unit: 'KB (RSS delta / connections)', better: 'lower', get: (r) => r.kbPerConn },
      { label: 'JS heap per connection (Tandem: /metrics)', unit: 'KB', better: 'none', get: (r) => r.heapKbPerConn },
      { label: 'RSS before → after', unit: 'MB after', better: 'lower', get: (r) => r.rssAfterMB },
      { label: 'time to accept and sync all', unit: 's', better: 'lower', get: (r) => r.acceptSec },
      { label: 'server CPU to accept', unit: 's', better: 'lower', get: (r) => r.cpuSec },
      { label: 'server CPU per connection', unit: 'µs', better: 'lower', get: (r) => r.cpuUsPerConn },
      loadRow(),
      otherRow(),
      okRow(),
    ],
    loadNote(results.conns),
  );
}
if (Object.keys(results.history).length) {
  tables.history = buildTable(
    `4. Real history — automerge-paper trace, ${fmt(Object.values(results.history)[0]!.edits, 0)} edits, one per message; then restart and a fresh client's full sync`,
    results.history,
    [
      { label: 'intake', unit: 'edits/s', better: 'higher', get: (r) => r.intakeEditsPerSec },
      { label: 'replay time', unit: 's', better: 'lower', get: (r) => r.intakeSec },
      { label: 'server CPU during replay', unit: '% of a core', better: 'none', get: (r) => r.serverCpu * 100 },
      { label: 'server RSS, peak', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      { label: 'cold full sync after restart (median)', unit: 'ms', better: 'lower', get: (r) => r.coldSyncMs },
      { label: '… of which until the step2 frame arrived', unit: 'ms', better: 'lower', get: (r) => r.coldStep2Ms },
      { label: 'Yjs floor: decode + encode, cold process', unit: 'ms', better: 'none', get: (r) => r.floorColdMs },
      { label: 'Yjs floor: decode + encode, warm', unit: 'ms', better: 'none', get: (r) => r.floorWarmMs },
      { label: 'cold sync / cold Yjs floor', unit: '×', better: 'lower', get: (r) => r.coldSyncMs / r.floorColdMs },
      { label: 'restart on this data: spawn → ready (median)', unit: 'ms', better: 'lower', get: (r) => r.restartReadyMs },
      { label: 'on disk after shutdown', unit: 'KB', better: 'none', get: (r) => r.diskBytes / 1024 },
      loadRow(),
      otherRow(),
      okRow(),
    ],
    loadNote(results.history),
  );
}
if (Object.keys(results.churn).length) {
  tables.churn = buildTable(
    `5. Churn — open, edit (${cfg.churn.edits} keystrokes), close ${cfg.churn.docs.toLocaleString('en-US')} documents, ${cfg.churn.concurrency} at a time`,
    results.churn,
    [
      { label: 'RSS before', unit: 'MB', better: 'none', get: (r) => r.rssBeforeMB },
      { label: 'RSS after (all closed)', unit: 'MB', better: 'lower', get: (r) => r.rssAfterMB },
      { label: 'RSS growth', unit: '%', better: 'none', get: (r) => r.growth * 100 },
      { label: 'RSS peak during churn', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      { label: 'JS heap before → after (Tandem: /metrics)', unit: 'MB after', better: 'none', get: (r) => r.heapAfterMB },
      { label: 'JS heap before', unit: 'MB', better: 'none', get: (r) => r.heapBeforeMB },
      { label: 'documents still open after', unit: '', better: 'none', get: (r) => r.openAfter, digits: 0 },
      { label: 'churn time', unit: 's', better: 'lower', get: (r) => r.churnSec },
      loadRow(),
      otherRow(),
      okRow(),
    ],
    loadNote(results.churn),
  );
}
const instanceColumns = [
  ...(results.instances.file ? [{ key: 'file', label: '1 instance, file store', result: results.instances.file }] : []),
  ...cfg.instances.counts
    .filter((n) => results.instances[String(n)])
    .map((n) => ({ key: String(n), label: `${n} instance${n > 1 ? 's' : ''}`, result: results.instances[String(n)]! })),
];
if (instanceColumns.length) {
  const c = cfg.instances;
  const rs = instanceColumns.map((col) => col.result);
  const hotLoad = rs.filter((r) => r.hot.load.cpu > 0.9 || r.paced.load.cpu > 0.9);
  const noisy = rs.filter((r) => r.hot.otherCores > 0.2 || r.paced.otherCores > 0.2);
  tables.instances = buildColumnTable(
    `6. Several instances — one document, ${c.clients} clients spread round-robin over 1, 2 and 3 Tandem instances on one PostgreSQL + Redis`,
    instanceColumns,
    '1',
    [
      { label: `paced (${c.rateHz} keystrokes/s each + cursor): cross-instance latency p50`, unit: 'ms', better: 'lower', get: (r) => r.paced.p50 },
      { label: '… p99', unit: 'ms', better: 'lower', get: (r) => r.paced.p99 },
      { label: '… same-instance latency p50', unit: 'ms', better: 'none', get: (r) => r.paced.sameP50 },
      { label: '… instances CPU, together', unit: '% of a core', better: 'lower', get: (r) => r.paced.serverCpu * 100 },
      { label: '… Redis + PostgreSQL CPU', unit: '% of a core', better: 'lower', get: (r) => r.paced.backingCpu * 100 },
      { label: `hot (≤ ${c.window} unacknowledged edits each): delivered edits/s`, unit: '', better: 'higher', get: (r) => r.hot.editsPerSec },
      { label: '… cross-instance latency p50', unit: 'ms', better: 'lower', get: (r) => r.hot.p50 },
      { label: '… p99', unit: 'ms', better: 'lower', get: (r) => r.hot.p99 },
      { label: '… instances CPU, together', unit: '% of a core', better: 'none', get: (r) => r.hot.serverCpu * 100 },
      { label: '… Redis + PostgreSQL CPU', unit: '% of a core', better: 'none', get: (r) => r.hot.backingCpu * 100 },
      { label: 'load generator CPU, busiest process', unit: '% of a core', better: 'none', get: (r) => Math.max(r.paced.load.cpu, r.hot.load.cpu) * 100, digits: 0 },
      { label: 'other processes on the machine', unit: 'cores', better: 'none', get: (r) => Math.max(r.paced.otherCores, r.hot.otherCores) },
      { label: 'converged (every client, a fresh client on every instance)', unit: '', better: 'none', get: (r) => (r.paced.converged && r.hot.converged ? 1 : 0), text: (v) => (v ? 'yes' : 'NO') },
    ],
    [
      'Ratios are to 1 instance on PostgreSQL + Redis. With one instance every delivery is same-instance; with more, latency counts only deliveries whose sender and receiver are on different instances.',
      hotLoad.length ? '⚠ load generator saturated (a load process used > 90 % of a core) in some runs — those numbers are bounded by the clients, not only the servers.' : 'Load generator not saturated (every load process < 90 % of a core).',
      noisy.length ? '⚠ other processes on the machine used CPU during some runs — those numbers are disturbed.' : '',
    ].filter(Boolean).join(' '),
  );
}
for (const layout of ['docs', 'doc'] as const) {
  const rs = results.intakeWriters[layout];
  if (!Object.keys(rs).length) continue;
  const { writers, edits } = Object.values(rs)[0]!;
  tables[`intake-writers-${layout}`] = buildTable(
    `7b. Intake, ${writers} writer processes ${layout === 'docs' ? `on ${writers} documents` : 'on one document (each its own text, each receiving the others\' relays)'} — each replays ${fmt(edits, 0)} edits, one message each, as fast as its socket accepts`,
    rs,
    [
      { label: 'intake, all writers', unit: 'edits/s', better: 'higher', get: (r) => r.editsPerSec },
      { label: 'slowest writer', unit: 'edits/s', better: 'higher', get: (r) => r.slowestWriter },
      { label: 'time for every edit', unit: 's', better: 'lower', get: (r) => (r.finished ? r.totalSec : NaN) },
      { label: 'server CPU', unit: '% of a core', better: 'none', get: (r) => r.serverCpu * 100 },
      { label: 'server RSS, peak', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      loadRow(),
      otherRow(),
      { label: 'a fresh client holds every text', unit: '', better: 'none', get: (r) => (r.textOk === null ? NaN : r.textOk ? 1 : 0), text: (v) => (Number.isNaN(v) ? '— (not finished)' : v ? 'yes' : 'NO') },
    ],
    'Four generator processes, so the server — not one writer — sets the pace (the single-writer curve above is bounded by its one process). Whole-run intake: every writer\'s confirmed edits over the time until the last one was handled.',
  );
}
const intakeLimit = `${fmt(cfg.intakeCurve.timeLimitMs / 1000, 0)} s`;
for (const phase of ['alone', 'reader'] as const) {
  const rs = results.intakeCurve[phase];
  if (!Object.keys(rs).length) continue;
  const edits = Object.values(rs)[0]!.edits;
  tables[`intake-curve-${phase}`] = buildTable(
    `7. Intake curve — one writer replays ${fmt(edits, 0)} edits of the automerge-paper trace, one message each, as fast as its socket accepts them; ${phase === 'alone' ? 'alone in its document' : 'one more client receives every relay'}`,
    rs,
    [
      { label: `first ${fmt(cfg.intakeCurve.slice, 0)} edits`, unit: 'edits/s', better: 'higher', get: (r) => r.curve[0] ?? NaN },
      { label: `last ${fmt(cfg.intakeCurve.slice, 0)} handled`, unit: 'edits/s', better: 'higher', get: (r) => r.curve.at(-1) ?? NaN },
      { label: 'slowest slice', unit: 'edits/s', better: 'higher', get: (r) => Math.min(...r.curve) },
      { label: 'last slice / first slice', unit: '×', better: 'none', get: (r) => (r.curve.at(-1) ?? NaN) / (r.curve[0] ?? NaN) },
      { label: `edits handled (stopped after ${intakeLimit})`, unit: '', better: 'higher', get: (r) => r.confirmed, digits: 0 },
      { label: 'time for every edit', unit: 's', better: 'lower', get: (r) => (r.finished ? r.totalSec : NaN) },
      { label: 'intake, whole run', unit: 'edits/s', better: 'higher', get: (r) => r.confirmed / r.totalSec },
      { label: 'server CPU', unit: '% of a core', better: 'none', get: (r) => r.serverCpu * 100 },
      { label: 'server RSS, peak', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      loadRow(),
      otherRow(),
      { label: `${phase === 'alone' ? 'a fresh client' : 'the reader'} holds the trace's text`, unit: '', better: 'none', get: (r) => (r.textOk === null ? NaN : r.textOk ? 1 : 0), text: (v) => (Number.isNaN(v) ? '— (not finished)' : v ? 'yes' : 'NO') },
    ],
    [
      Object.entries(rs).some(([, r]) => !r!.finished)
        ? `Did not handle every edit within ${intakeLimit}: ${Object.entries(rs).filter(([, r]) => !r!.finished).map(([k, r]) => `${SERVER_LABEL[k as ServerKind]} (${fmt(r!.confirmed, 0)} of ${fmt(r!.edits, 0)})`).join(', ')}.`
        : '',
      rs.tandem
        ? "Tandem answers a probe only once every edit before it is durable [H3], and its appends complete between reads of its socket (each up to ~60,000 of these messages), so its answers come in bursts that share their time: single slices say less than the whole-run rows."
        : '',
      loadNote(rs),
    ].filter(Boolean).join(' '),
  );
}
// History on vs off: the same Tandem build, the relay's figures from fan-out and the hot document.
interface HistoryCost {
  fanout?: S.FanoutResult;
  hot: Record<number, S.HotResult | undefined>;
}
const historyCost = (k: ServerKind): HistoryCost => ({
  fanout: results.fanout[k],
  hot: Object.fromEntries(Object.entries(results.hot).map(([size, rs]) => [Number(size), rs[k]])),
});
const costMetrics: Metric<HistoryCost>[] = [
  { label: 'fan-out: latency p50', unit: 'ms', better: 'lower', get: (r) => r.fanout?.p50 ?? NaN },
  { label: 'fan-out: latency p99', unit: 'ms', better: 'lower', get: (r) => r.fanout?.p99 ?? NaN },
  { label: 'fan-out: server CPU', unit: '% of a core', better: 'lower', get: (r) => (r.fanout?.serverCpu ?? NaN) * 100 },
  { label: 'fan-out: server RSS, peak', unit: 'MB', better: 'lower', get: (r) => r.fanout?.rssPeakMB ?? NaN },
  ...cfg.hot.sizes.flatMap((size): Metric<HistoryCost>[] => [
    { label: `hot document, ${size} clients: delivered edits/s`, unit: '', better: 'higher', get: (r) => r.hot[size]?.editsPerSec ?? NaN },
    { label: `hot document, ${size} clients: latency p99`, unit: 'ms', better: 'lower', get: (r) => r.hot[size]?.p99 ?? NaN },
    { label: `hot document, ${size} clients: server CPU`, unit: '% of a core', better: 'none', get: (r) => (r.hot[size]?.serverCpu ?? NaN) * 100 },
    // CPU per edit: what history adds to each update, whatever the throughput a disturbed run reached.
    { label: `hot document, ${size} clients: server CPU per 1,000 delivered edits`, unit: 'ms', better: 'lower', get: (r) => ((r.hot[size]?.serverCpu ?? NaN) * 1e6) / (r.hot[size]?.editsPerSec ?? NaN) },
  ]),
];
{
  const on = historyCost('tandem');
  const off = historyCost('tandem-nohist');
  const metrics = costMetrics.filter((m) => Number.isFinite(m.get(on)) && Number.isFinite(m.get(off)));
  if (metrics.length) {
    tables['history-cost'] = buildColumnTable(
      '8. History on vs off — the relay: fan-out and hot document, Tandem with history (default) and with HISTORY=off',
      [
        { key: 'on', label: 'Tandem, history on', result: on },
        { key: 'off', label: 'Tandem, HISTORY=off', result: off },
      ],
      'off',
      metrics,
      'Ratios are history on ÷ HISTORY=off, from the fan-out and hot-document runs above (each server its least disturbed round). Target: within 10 %. Server CPU per delivered edit is the least noise-sensitive row: what history adds to each update (its entry encoded and appended beside it).',
    );
  }
}

// The versions scenario: what history costs on disk, in memory and at load, and how fast its requests are.
interface VersionsColumn {
  edits: number;
  diskBytes: number;
  stateBytes: number;
  historyBytes: number;
  rssLoadedMB: number;
  heapLoadedMB: number;
  loadMs: number;
  step2Ms: number;
  intake: number;
  rssPeakMB: number;
  auto: number;
  named: number;
  restoreOk: number;
  converged: number;
}
const versionsColumn = (r: VersionsResult): VersionsColumn => ({
  edits: r.edits,
  diskBytes: r.diskBytes,
  stateBytes: r.stateBytes,
  historyBytes: r.historyBytes,
  rssLoadedMB: r.rssLoadedMB,
  heapLoadedMB: r.heapLoadedMB,
  loadMs: r.loadMs,
  step2Ms: r.step2Ms,
  intake: r.intakeEditsPerSec,
  rssPeakMB: r.rssPeakMB,
  auto: r.history ? r.versions.auto : NaN,
  named: r.history ? r.versions.named : NaN,
  restoreOk: r.restoreOk === null ? NaN : r.restoreOk ? 1 : 0,
  converged: r.converged ? 1 : 0,
});
/** Etherpad as a column: the pad's own row is its "document", the revision rows its history. */
const etherpadColumn = (e: VersionsResult['etherpad'], edits: number): VersionsColumn => ({
  edits,
  diskBytes: e.totalBytes,
  stateBytes: e.padRowBytes,
  historyBytes: e.revisionBytes + e.keyRevisionBytes,
  rssLoadedMB: NaN,
  heapLoadedMB: NaN,
  loadMs: NaN,
  step2Ms: NaN,
  intake: NaN,
  rssPeakMB: NaN,
  auto: NaN,
  named: NaN,
  restoreOk: NaN,
  converged: NaN,
});
const vOn = results.versions.tandem;
const vOff = results.versions['tandem-nohist'];
const vAny = vOn ?? vOff;
if (vAny) {
  const yesNo = (v: number) => (Number.isNaN(v) ? '—' : v ? 'yes' : 'NO');
  const kb = (bytes: number) => bytes / 1024;
  const e1 = vAny.etherpad;
  const e3 = vAny.etherpadMerged;
  tables.versions = buildColumnTable(
    `9. Versions — the automerge-paper trace (${fmt(vAny.edits, 0)} edits) into one document's rich text, a version named at ${cfg.versions.stops.map((f) => `${f * 100} %`).join(', ')}; history on vs off`,
    [
      ...(vOn ? [{ key: 'on', label: 'Tandem, history on', result: versionsColumn(vOn) }] : []),
      ...(vOff ? [{ key: 'off', label: 'Tandem, HISTORY=off', result: versionsColumn(vOff) }] : []),
      { key: 'etherpad', label: 'Etherpad layout, 1 edit per revision (estimate)', result: etherpadColumn(e1, vAny.edits) },
      { key: 'etherpad-merged', label: `Etherpad layout, ${vAny.mergedEdits} edits per revision (estimate)`, result: etherpadColumn(e3, vAny.edits) },
    ],
    'off',
    [
      { label: 'edits replayed', unit: '', better: 'none', get: (r) => r.edits, digits: 0 },
      { label: 'on disk after a clean shutdown (SIGTERM)', unit: 'KB', better: 'lower', get: (r) => kb(r.diskBytes) },
      { label: '… the document: update log + snapshot (Etherpad: the pad row)', unit: 'KB', better: 'none', get: (r) => kb(r.stateBytes) },
      { label: '… history: entries + versions (Etherpad: revision rows + key revisions)', unit: 'KB', better: 'none', get: (r) => kb(r.historyBytes) },
      { label: 'server RSS, document loaded after a restart (one client synced)', unit: 'MB', better: 'lower', get: (r) => r.rssLoadedMB },
      { label: '… JS heap in use (/metrics)', unit: 'MB', better: 'lower', get: (r) => r.heapLoadedMB },
      { label: `load: restart → a fresh client holds the whole text${cfg.versions.coldRuns > 1 ? ` (median of ${cfg.versions.coldRuns})` : ''}`, unit: 'ms', better: 'lower', get: (r) => r.loadMs },
      { label: '… until the server\'s sync step2 arrived', unit: 'ms', better: 'lower', get: (r) => r.step2Ms },
      { label: 'replay intake (≤ 512 edits in flight, pauses for versions not counted)', unit: 'edits/s', better: 'higher', get: (r) => r.intake },
      { label: 'server RSS, peak during the replay', unit: 'MB', better: 'lower', get: (r) => r.rssPeakMB },
      { label: 'automatic versions kept', unit: '', better: 'none', get: (r) => r.auto, digits: 0 },
      { label: 'named versions kept', unit: '', better: 'none', get: (r) => r.named, digits: 0 },
      { label: 'restoring the 25 % version gives the trace\'s text at 25 %', unit: '', better: 'none', get: (r) => r.restoreOk, text: yesNo },
      { label: 'converged (replay, fresh clients)', unit: '', better: 'none', get: (r) => r.converged, text: yesNo },
    ],
    [
      'Ratios are to Tandem with HISTORY=off.',
      `Etherpad (not run: estimated from the trace, see above): ${fmt(e1.revisions, 0)} revision rows of ${fmt(e1.revisionBytes / e1.revisions)} bytes on average (key + JSON value) plus ${fmt(e1.keyRevisions, 0)} key revisions adding ${fmt(e1.keyRevisionBytes / 2 ** 20)} MB of full texts; merging ${vAny.mergedEdits} edits per revision, ${fmt(e3.revisions, 0)} rows and ${fmt(e3.keyRevisions, 0)} key revisions.`,
      vOn ? `Tandem with history uses ${fmt(vOn.diskBytes / e1.totalBytes, 2)}× the disk of the first Etherpad estimate and ${fmt(vOn.diskBytes / e3.totalBytes, 2)}× the second.` : '',
      vOn ? `Disk by file (history on): ${Object.entries(vOn.diskByKind).sort((a, b) => b[1] - a[1]).map(([k, b]) => `${k} ${fmt(kb(b))} KB`).join(', ')}.` : '',
      vOff ? `Disk by file (HISTORY=off): ${Object.entries(vOff.diskByKind).sort((a, b) => b[1] - a[1]).map(([k, b]) => `${k} ${fmt(kb(b))} KB`).join(', ')}.` : '',
      [vOn, vOff].some((r) => r && r.otherCores > 0.2) ? '⚠ other processes on the machine used CPU during the replay — intake and peak figures are disturbed.' : '',
    ].filter(Boolean).join(' '),
  );
}
const REQUEST_LABEL: Record<HistoryRequest, string> = {
  create: 'POST versions — name a version (during the replay)',
  list: 'GET versions — the list',
  export: 'GET versions/:vid/export?format=markdown — the 50 % version',
  'diff-versions': 'GET history/diff — from the 25 % version to the 75 % one',
  'diff-now': 'GET history/diff — from the 50 % version to now',
  timeline: 'GET history — the timeline',
  attribution: 'GET history/attribution',
  restore: 'POST versions/:vid/restore — the 25 % version (once)',
};
if (vOn && Object.keys(vOn.requests).length) {
  const req = vOn.requests;
  const col = (get: (t: NonNullable<(typeof req)[HistoryRequest]>) => number) =>
    Object.fromEntries(HISTORY_REQUESTS.map((k) => [k, req[k] ? get(req[k]!) : NaN])) as Record<HistoryRequest, number>;
  tables['versions-requests'] = buildColumnTable(
    `10. History requests — on the document of table 9 (${fmt(vOn.edits, 0)} edits, ${vOn.versions.auto + vOn.versions.named + vOn.versions.restore} versions), loaded after a restart`,
    [
      { key: 'first', label: 'first call (ms)', result: col((t) => t.first) },
      { key: 'repeat', label: `median of ${cfg.versions.repeats} more (ms)`, result: col((t) => t.repeat) },
      { key: 'bytes', label: 'answer (KB)', result: col((t) => t.bytes / 1024) },
    ],
    'first',
    HISTORY_REQUESTS.filter((k) => req[k]).map((k) => ({ label: REQUEST_LABEL[k], unit: '', better: 'none' as const, get: (r: Record<HistoryRequest, number>) => r[k] })),
    `Each request on 127.0.0.1 with the edit link's token, timed until its whole answer is read; "naming a version" is the median of the ${cfg.versions.stops.length} made during the replay. Target: each well under a second.`,
  );
}

if (results.commentScope) {
  const { editPlain, editWithComments, comment } = results.commentScope;
  const us = (label: string, get: (c: ScopeCostCase) => number): Metric<ScopeCostCase> => ({ label, unit: 'µs', better: 'lower', get, digits: 2 });
  tables['comment-scope'] = buildColumnTable(
    `11. Comment rules — cost per update of the check every update passes before it is applied (${fmt(editPlain.updates, 0)} trace edits, ${fmt(comment.updates, 0)} comment updates)`,
    [
      { key: 'plain', label: 'edit, no comments', result: editPlain },
      { key: 'comments', label: 'edit, with comments', result: editWithComments },
      { key: 'comment', label: 'comment link', result: comment },
    ],
    'plain',
    [
      us('comment rules, mean', (c) => c.rules.mean),
      us('comment rules, p99', (c) => c.rules.p99),
      us('comment rules, worst', (c) => c.rules.max),
      us('[M2] decode + check, mean (for scale)', (c) => c.decode.mean),
      us('Y.applyUpdate, mean (for scale)', (c) => c.apply.mean),
      { label: 'refused (must be 0)', unit: '', better: 'none', get: (c) => c.refused, digits: 0 },
    ],
    'In-process, on server/dist and its Yjs: the automerge-paper trace typed into a paragraph (one update per edit) into a document without and with threads, then comment-link updates (threads, replies, resolutions, edits of its own comments) on the finished paper. Ratios are to the edit path without comments.',
  );
}
if (Object.keys(results.richDoc).length) {
  const rs = results.richDoc;
  const any = Object.values(rs)[0]!;
  const c = cfg.richDoc;
  const ratioText = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
  tables['rich-doc'] = buildTable(
    `12. Rich document — ${any.tables} tables and ${any.images} images (${fmt(any.rich.stateBytes / 1024, 0)} KB of Yjs state) vs plain paragraphs of the same size; per document 1 writer at ${c.rateHz} keystrokes/s and ${c.readers} readers`,
    rs,
    [
      { label: 'rich: typing latency p50', unit: 'ms', better: 'lower', get: (r) => r.rich.p50 },
      { label: 'rich: typing latency p99', unit: 'ms', better: 'lower', get: (r) => r.rich.p99 },
      { label: 'plain: typing latency p50', unit: 'ms', better: 'lower', get: (r) => r.plain.p50 },
      { label: 'plain: typing latency p99', unit: 'ms', better: 'lower', get: (r) => r.plain.p99 },
      { label: 'typing p50, rich ÷ plain', unit: '', better: 'none', get: (r) => r.rich.p50 / r.plain.p50, text: ratioText },
      { label: 'typing p99, rich ÷ plain', unit: '', better: 'none', get: (r) => r.rich.p99 / r.plain.p99, text: ratioText },
      { label: 'rich: warm full sync (document loaded), median', unit: 'ms', better: 'lower', get: (r) => r.rich.warmSyncMs },
      { label: 'plain: warm full sync, median', unit: 'ms', better: 'lower', get: (r) => r.plain.warmSyncMs },
      { label: 'warm sync, rich ÷ plain', unit: '', better: 'none', get: (r) => r.rich.warmSyncMs / r.plain.warmSyncMs, text: ratioText },
      { label: 'rich: cold full sync (after restart)', unit: 'ms', better: 'lower', get: (r) => r.rich.coldSyncMs },
      { label: '… of which until the step2 frame arrived', unit: 'ms', better: 'lower', get: (r) => r.rich.coldStep2Ms },
      { label: 'plain: cold full sync (after restart)', unit: 'ms', better: 'lower', get: (r) => r.plain.coldSyncMs },
      { label: 'cold sync, rich ÷ plain', unit: '', better: 'none', get: (r) => r.rich.coldSyncMs / r.plain.coldSyncMs, text: ratioText },
      { label: 'server CPU while typing (both documents)', unit: '% of a core', better: 'none', get: (r) => r.serverCpu * 100 },
      { label: 'keystroke deliveries measured (rich + plain)', unit: '', better: 'none', get: (r) => r.rich.deliveries + r.plain.deliveries, digits: 0 },
      loadRow(),
      otherRow(),
      okRow(),
    ],
    `Rich: ${fmt(any.rich.chars, 0)} characters of text in ${any.tables} sections (heading, paragraph with bold and a link, a 4 × 3 table with a header row, two images), ${fmt(any.rich.stateBytes / 1024, 0)} KB encoded; plain: ${fmt(any.plain.chars, 0)} characters in paragraphs, ${fmt(any.plain.stateBytes / 1024, 0)} KB encoded. "rich ÷ plain" rows compare each server with itself. ${loadNote(rs)}`,
  );
  const up = rs.tandem?.uploads ?? rs['tandem-nohist']?.uploads;
  if (up) {
    const refusalRows: Metric<UploadResult>[] = up.refusals.map((f, i) => ({
      label: `refused: ${f.name}`,
      unit: `expected ${f.expected}`,
      better: 'none',
      get: (r) => r.refusals[i]!.status,
      text: (v) => `${v || 'no answer'}${v === f.expected ? ' ✓' : ' ✗'}${f.stored ? ', STORED' : ', nothing stored'}`,
    }));
    tables['rich-uploads'] = buildColumnTable(
      `12b. Image uploads — ${up.count} generated PNGs (${fmt(up.bytes / 2 ** 20)} MB) into the rich document, ${c.uploadConcurrency} at a time, limits as shipped`,
      [{ key: 'tandem', label: 'Tandem', result: up }],
      'tandem',
      [
        { label: 'upload throughput', unit: 'MB/s', better: 'none', get: (r) => r.mbPerSec },
        { label: 'uploads per second', unit: '', better: 'none', get: (r) => r.perSec },
        { label: 'time for every upload', unit: 's', better: 'none', get: (r) => r.sec },
        { label: "every answered src is the document's path for the image's SHA-256", unit: '', better: 'none', get: (r) => (r.srcsOk ? 1 : 0), text: (v) => (v ? 'yes' : 'NO') },
        ...refusalRows,
      ],
      'Each upload is a `POST /api/docs/:id/uploads` on 127.0.0.1 with the edit token, timed until its answer is read; every image is sniffed and walked chunk by chunk (CRC-32 included) and fsynced before the 201 [UP2, UP4]. The refused files claim `Content-Type: image/png` too: the server decides from the bytes. "Nothing stored": the hash of the refused bytes answers 404.',
    );
  }
}
if (Object.keys(results.startup).length) {
  tables.startup = buildTable(
    `13. Start-up — each server started ${cfg.startup.runs} times on an empty data directory, the servers taking turns`,
    results.startup,
    [
      { label: 'spawn → ready (median)', unit: 'ms', better: 'lower', get: (r) => r.readyMs },
      { label: 'CPU until ready (median)', unit: 'ms', better: 'lower', get: (r) => r.readyCpuMs },
      { label: `RSS after ${cfg.startup.idleMs / 1000} s idle (median)`, unit: 'MB', better: 'lower', get: (r) => r.idleRssMB },
      otherRow(),
    ],
  );
}
for (const t of Object.values(tables)) process.stdout.write(`${tableToText(t)}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------------------------

interface Target {
  name: string;
  met: boolean | null;
  detail: string;
}
const targets: Target[] = [];
const T = (name: string, met: boolean | null, detail: string) => targets.push({ name, met, detail });
const bestPeer = <R>(rs: Partial<Record<ServerKind, R>>, get: (r: R) => number, better: 'lower' | 'higher') => {
  const vals = PEERS.filter((k) => rs[k]).map((k) => ({ k, v: get(rs[k]!) }));
  vals.sort((a, b) => (better === 'lower' ? a.v - b.v : b.v - a.v));
  return vals[0];
};
{
  const t = results.fanout.tandem;
  const y = results.fanout.ywss;
  if (t && y) {
    T('Fan-out p99 ≤ @y/websocket-server', t.p99 <= y.p99, `${fmt(t.p99)} ms vs ${fmt(y.p99)} ms (${(t.p99 / y.p99).toFixed(2)}×)`);
    T('Fan-out server CPU ≤ 1.0× @y/websocket-server', t.serverCpu <= y.serverCpu, `${fmt(t.serverCpu * 100)} % vs ${fmt(y.serverCpu * 100)} % of a core (${(t.serverCpu / y.serverCpu).toFixed(2)}×)`);
  }
  for (const size of [10, 50]) {
    const rs = results.hot[size];
    const tt = rs?.tandem;
    if (!rs || !tt) continue;
    const be = bestPeer(rs, (r) => r.editsPerSec, 'higher');
    const bl = bestPeer(rs, (r) => r.p99, 'lower');
    if (be) T(`Hot document, ${size} clients: delivered edits/s ≥ 1.5× best peer`, tt.editsPerSec >= 1.5 * be.v, `${fmt(tt.editsPerSec)} vs ${SERVER_LABEL[be.k]} ${fmt(be.v)} (${(tt.editsPerSec / be.v).toFixed(2)}×)`);
    if (bl) T(`Hot document, ${size} clients: p99 ≤ best peer`, tt.p99 <= bl.v, `${fmt(tt.p99)} ms vs ${SERVER_LABEL[bl.k]} ${fmt(bl.v)} ms (${(tt.p99 / bl.v).toFixed(2)}×)`);
    T(`Hot document, ${size} clients: every client converged`, tt.converged, tt.converged ? 'yes' : 'NO');
  }
  const ct = results.conns.tandem;
  const cr = results.conns.relay;
  if (ct && cr) T(`Connections: ≤ raw ws + 4 KB per idle connection at ${cfg.conns.connections.toLocaleString('en-US')}`, ct.kbPerConn <= cr.kbPerConn + 4, `${fmt(ct.kbPerConn)} KB vs ${fmt(cr.kbPerConn)} KB + 4`);
  const ht = results.history.tandem;
  const hy = results.history.ywss;
  if (ht && hy) T('Real history: intake ≥ 2× @y/websocket-server', ht.intakeEditsPerSec >= 2 * hy.intakeEditsPerSec, `${fmt(ht.intakeEditsPerSec)} vs ${fmt(hy.intakeEditsPerSec)} edits/s (${(ht.intakeEditsPerSec / hy.intakeEditsPerSec).toFixed(2)}×)`);
  if (ht) T('Real history: cold full sync ≤ 1.5× Yjs decode+encode', ht.coldSyncMs <= 1.5 * ht.floorColdMs, `${fmt(ht.coldSyncMs)} ms vs ${fmt(ht.floorColdMs)} ms cold floor (${(ht.coldSyncMs / ht.floorColdMs).toFixed(2)}×; warm floor ${fmt(ht.floorWarmMs)} ms)`);
  for (const phase of ['alone', 'reader'] as const) {
    const it = results.intakeCurve[phase].tandem;
    if (!it) continue;
    const first = it.curve[0] ?? NaN;
    const last = it.curve.at(-1) ?? NaN;
    T(`Intake curve (${phase === 'alone' ? 'writer alone' : 'with a reader'}): every edit handled, last slice ≥ 0.5× the first`, it.finished && last >= 0.5 * first, `${fmt(it.confirmed, 0)} of ${fmt(it.edits, 0)} edits; ${fmt(first)} → ${fmt(last)} edits/s (${(last / first).toFixed(2)}×)`);
    const iy = results.intakeCurve[phase].ywss;
    if (iy) {
      const [t, y] = [it.confirmed / it.totalSec, iy.confirmed / iy.totalSec];
      T(`Intake curve (${phase === 'alone' ? 'writer alone' : 'with a reader'}): whole-run intake ≥ @y/websocket-server`, it.finished && t >= y, `${fmt(t)} vs ${fmt(y)} edits/s (${(t / y).toFixed(2)}×)`);
    }
  }
  for (const layout of ['docs', 'doc'] as const) {
    const [wt, wy] = [results.intakeWriters[layout].tandem, results.intakeWriters[layout].ywss];
    if (wt && wy) T(`Intake, four writers on ${layout === 'docs' ? 'four documents' : 'one document'}: ≥ 2× @y/websocket-server`, wt.finished && wt.editsPerSec >= 2 * wy.editsPerSec, `${fmt(wt.editsPerSec)} vs ${fmt(wy.editsPerSec)} edits/s (${(wt.editsPerSec / wy.editsPerSec).toFixed(2)}×)`);
  }
  const cy = results.conns.ywss;
  if (ct && cy) T('Connections: server CPU to accept ≤ @y/websocket-server', ct.cpuSec <= cy.cpuSec, `${fmt(ct.cpuSec)} s vs ${fmt(cy.cpuSec)} s for ${fmt(ct.connections, 0)} sockets (${(ct.cpuSec / cy.cpuSec).toFixed(2)}×)`);
  if (ht && hy && Number.isFinite(ht.restartReadyMs)) T('Real history: restart → ready ≤ 1.2× @y/websocket-server', ht.restartReadyMs <= 1.2 * hy.restartReadyMs, `${fmt(ht.restartReadyMs)} ms vs ${fmt(hy.restartReadyMs)} ms (${(ht.restartReadyMs / hy.restartReadyMs).toFixed(2)}×)`);
  const hn = results.history['tandem-nohist'];
  if (hn && hy && Number.isFinite(hn.diskBytes)) {
    const withHistory = ht && Number.isFinite(ht.diskBytes) ? `; with history on ${fmt(ht.diskBytes / 1024, 0)} KB, every edit's author and time kept` : '';
    T('Disk after shutdown (HISTORY=off) ≤ 2× @y/websocket-server', hn.diskBytes <= 2 * hy.diskBytes, `${fmt(hn.diskBytes / 1024, 0)} KB vs ${fmt(hy.diskBytes / 1024, 0)} KB (${(hn.diskBytes / hy.diskBytes).toFixed(2)}×)${withHistory}`);
  }
  const [st, sy] = [results.startup.tandem, results.startup.ywss];
  if (st && sy) {
    T('Start-up: spawn → ready ≤ 1.2× @y/websocket-server', st.readyMs <= 1.2 * sy.readyMs, `${fmt(st.readyMs)} ms vs ${fmt(sy.readyMs)} ms (${(st.readyMs / sy.readyMs).toFixed(2)}×)`);
    T('Start-up: idle RSS ≤ 1.2× @y/websocket-server', st.idleRssMB <= 1.2 * sy.idleRssMB, `${fmt(st.idleRssMB)} MB vs ${fmt(sy.idleRssMB)} MB (${(st.idleRssMB / sy.idleRssMB).toFixed(2)}×)`);
  }
  const cht = results.churn.tandem;
  if (cht) T('Churn: RSS back within 10 % of baseline', cht.growth <= 0.1, `${fmt(cht.rssBeforeMB)} MB → ${fmt(cht.rssAfterMB)} MB (${cht.growth >= 0 ? '+' : ''}${(cht.growth * 100).toFixed(1)} %)`);
}
{
  // What history costs the relay, and how fast its requests are (the history issue's targets).
  const on = historyCost('tandem');
  const off = historyCost('tandem-nohist');
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  if (on.fanout && off.fanout) {
    const [a, b] = [on.fanout, off.fanout];
    T('History on vs off: fan-out p99 within 10 %', a.p99 <= 1.1 * b.p99, `${fmt(a.p99)} ms vs ${fmt(b.p99)} ms (${ratio(a.p99, b.p99)})`);
    T('History on vs off: fan-out server CPU within 10 %', a.serverCpu <= 1.1 * b.serverCpu, `${fmt(a.serverCpu * 100)} % vs ${fmt(b.serverCpu * 100)} % of a core (${ratio(a.serverCpu, b.serverCpu)})`);
  }
  for (const size of cfg.hot.sizes) {
    const [a, b] = [on.hot[size], off.hot[size]];
    if (a && b) T(`History on vs off: hot document, ${size} clients, delivered edits/s within 10 %`, a.editsPerSec >= 0.9 * b.editsPerSec, `${fmt(a.editsPerSec)} vs ${fmt(b.editsPerSec)} (${ratio(a.editsPerSec, b.editsPerSec)})`);
  }
  if (vOn && Object.keys(vOn.requests).length) {
    const timings = HISTORY_REQUESTS.filter((k) => vOn.requests[k]).map((k) => [k, vOn.requests[k]!.first] as const);
    const [slowest, ms] = timings.reduce((m, t) => (t[1] > m[1] ? t : m));
    T(`History requests (${fmt(vOn.edits, 0)} edits): each under 1 s, first call`, timings.every(([, t]) => t < 1000), `slowest: ${REQUEST_LABEL[slowest]} ${fmt(ms)} ms`);
  }
  if (vOn) T('History: restoring a version gives back its text', vOn.restoreOk === true, vOn.restoreOk ? "the trace's text at 25 %" : 'NO');
}
process.stdout.write('\nTargets (Tandem):\n');
for (const t of targets) process.stdout.write(`  ${t.met ? '\x1b[32m✓ met   ' : '\x1b[33m✗ missed'}\x1b[0m  ${t.name}: ${t.detail}\n`);

// ---------------------------------------------------------------------------------------------------------------
// JSON + Markdown
// ---------------------------------------------------------------------------------------------------------------

const git = (...a: string[]) => {
  try {
    return execFileSync('git', a, { cwd: REPO_ROOT }).toString().trim();
  } catch {
    return '';
  }
};
/** The version of a package the bench runs (bench/node_modules: bench is not a workspace of the root). */
const version = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};
const meta = {
  date: new Date().toISOString(),
  quick,
  durationSec: (Date.now() - startedAt) / 1000,
  priority: getPriority(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
  git: { commit: git('rev-parse', '--short', 'HEAD'), serverDirty: git('status', '--porcelain', '--', 'server/src') !== '' },
  /** A build other than server/dist (TANDEM_MAIN), labelled by TANDEM_COMMIT. */
  tandem: process.env.TANDEM_MAIN ? { main: process.env.TANDEM_MAIN, commit: process.env.TANDEM_COMMIT ?? '?' } : null,
  versions: { yjs: version('yjs'), ws: version('ws'), '@y/websocket-server': version('@y/websocket-server'), '@hocuspocus/server': version('@hocuspocus/server') },
  config: { ...cfg, runDir: undefined },
};
const failures = S.failures;
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify({ meta, results, targets, failures }, null, 2)}\n`);
say(`wrote ${join(resultsDir, 'latest.json')}`);

if (profileDir) {
  const summary = summarizeProfiles(profileDir);
  writeFileSync(join(resultsDir, 'profile.txt'), summary);
  process.stdout.write(`\n${summary}\n`);
  say(`wrote ${join(resultsDir, 'profile.txt')}`);
  for (const file of writeFlameGraphs(profileDir, resultsDir)) say(`wrote ${file}`);
}

const charts: Record<string, string> = {};
const bars = <R>(rs: Partial<Record<ServerKind, R>>, get: (r: R) => number) =>
  ORDER.filter((k) => rs[k]).map((k) => ({ key: k, label: SERVER_LABEL[k], value: get(rs[k]!) }));
if (tables.fanout) {
  charts.fanout = barChart('Fan-out: edit latency (20 docs × 5 clients)', 'ms', [
    { label: 'p50', bars: bars(results.fanout, (r) => r.p50) },
    { label: 'p99', bars: bars(results.fanout, (r) => r.p99) },
    { label: 'server CPU (% of a core)', bars: bars(results.fanout, (r) => r.serverCpu * 100) },
  ], 'lower');
}
if (Object.keys(results.hot).length) {
  charts.hot = barChart('Hot document: delivered edits/s', 'edits/s', Object.entries(results.hot).map(([size, rs]) => ({ label: `${size} clients`, bars: bars(rs, (r) => r.editsPerSec) })), 'higher');
  charts['hot-latency'] = barChart('Hot document: p99 latency', 'ms', Object.entries(results.hot).map(([size, rs]) => ({ label: `${size} clients`, bars: bars(rs, (r) => r.p99) })), 'lower');
}
if (tables.conns) charts.conns = barChart(`Memory per idle connection (${cfg.conns.connections.toLocaleString('en-US')} sockets)`, 'KB', [{ label: '', bars: bars(results.conns, (r) => r.kbPerConn) }], 'lower');
if (tables.history) {
  charts['history-intake'] = barChart('Real history: intake, one edit per message', 'edits/s', [{ label: '', bars: bars(results.history, (r) => r.intakeEditsPerSec) }], 'higher');
  const ht = results.history.tandem ?? Object.values(results.history)[0]!;
  const groups: BarGroup[] = [
    {
      label: '',
      bars: [
        ...bars(results.history, (r) => r.coldSyncMs).filter((b) => b.key !== 'relay'),
        { key: 'floor', label: 'Yjs decode+encode (cold)', value: ht.floorColdMs },
        { key: 'floor', label: 'Yjs decode+encode (warm)', value: ht.floorWarmMs },
      ],
    },
  ];
  charts['history-cold'] = barChart('Cold full sync after restart vs Yjs alone', 'ms', groups, 'lower');
}
if (tables.instances) {
  const ib = (get: (r: S.InstancesResult) => number) =>
    instanceColumns.map((col) => ({ key: 'tandem' as const, label: col.label, value: get(col.result), color: col.key === 'file' ? '#93c5fd' : undefined }));
  charts['instances-latency'] = barChart(`Several instances: cross-instance edit latency (${cfg.instances.clients} clients, one document)`, 'ms', [
    { label: `paced, p50`, bars: ib((r) => r.paced.p50) },
    { label: `paced, p99`, bars: ib((r) => r.paced.p99) },
    { label: `hot document, p99`, bars: ib((r) => r.hot.p99) },
  ], 'lower');
  charts['instances-throughput'] = barChart(`Several instances: hot document, delivered edits/s (${cfg.instances.clients} clients)`, 'edits/s', [{ label: '', bars: ib((r) => r.hot.editsPerSec) }], 'higher');
}
for (const phase of ['alone', 'reader'] as const) {
  const rs = results.intakeCurve[phase];
  if (!tables[`intake-curve-${phase}`]) continue;
  const series = ORDER.filter((k) => rs[k]).map((k) => {
    const r = rs[k]!;
    return {
      key: k,
      label: SERVER_LABEL[k],
      points: r.curve.map((v, i): [number, number] => [Math.min((i + 1) * r.slice, r.edits) / 1000, v]),
      note: r.finished ? `${fmt(r.totalSec)} s` : `stopped at ${intakeLimit}`,
    };
  });
  const name = phase === 'alone' ? 'intake-curve' : 'intake-curve-reader';
  charts[name] = lineChart(`Intake as the history grows: edits/s per ${fmt(cfg.intakeCurve.slice, 0)}-edit slice${phase === 'alone' ? '' : ', with a reader'}`, 'edits replayed (thousands)', 'edits/s', series, 'higher');
}
if (tables.churn) {
  charts.churn = barChart(`Churn: RSS before and after ${cfg.churn.docs.toLocaleString('en-US')} documents opened and closed`, 'MB', [
    { label: 'before', bars: bars(results.churn, (r) => r.rssBeforeMB) },
    { label: 'after', bars: bars(results.churn, (r) => r.rssAfterMB) },
  ], 'lower');
}

if (tables.versions && vAny) {
  const disk = [
    ...(vOn ? [{ key: 'tandem' as const, label: 'Tandem, history on', value: vOn.diskBytes / 2 ** 20 }] : []),
    ...(vOff ? [{ key: 'tandem-nohist' as const, label: 'Tandem, HISTORY=off', value: vOff.diskBytes / 2 ** 20 }] : []),
    { key: 'floor' as const, label: 'Etherpad (estimate)', value: vAny.etherpad.totalBytes / 2 ** 20, note: '1 edit/rev' },
    { key: 'floor' as const, label: 'Etherpad (estimate)', value: vAny.etherpadMerged.totalBytes / 2 ** 20, note: `${vAny.mergedEdits} edits/rev` },
  ];
  charts['versions-disk'] = barChart(`Disk after ${fmt(vAny.edits, 0)} edits of the automerge-paper trace`, 'MB', [{ label: '', bars: disk }], 'lower');
}
if (tables['versions-requests'] && vOn) {
  const requestBars = (get: (t: NonNullable<VersionsResult['requests'][HistoryRequest]>) => number) =>
    HISTORY_REQUESTS.filter((k) => vOn.requests[k]).map((k) => ({ key: 'tandem' as const, label: k, value: get(vOn.requests[k]!) }));
  charts['versions-requests'] = barChart(`History requests on ${fmt(vOn.edits, 0)} edits`, 'ms', [
    { label: 'first call', bars: requestBars((t) => t.first) },
    { label: `median of ${cfg.versions.repeats} more`, bars: requestBars((t) => t.repeat).filter((b) => Number.isFinite(b.value)) },
  ], 'lower');
}

const docsDir = join(REPO_ROOT, 'docs');
const mdPath = complete ? join(docsDir, 'benchmarks.md') : join(resultsDir, 'report.md');
const svgDir = complete ? docsDir : resultsDir;
for (const [name, svg] of Object.entries(charts)) writeFileSync(join(svgDir, `bench-${name}.svg`), svg);
const img = (name: string) => (charts[name] ? `![${name}](bench-${name}.svg)\n\n` : '');
const section = (key: string, text: string, chartNames: string[]) =>
  tables[key] ? `## ${tables[key]!.title}\n\n${text}\n\n${chartNames.map(img).join('')}${tableToMarkdown(tables[key]!)}\n\n${tables[key]!.note ?? ''}\n\n` : '';
const analysisPath = join(BENCH_DIR, 'ANALYSIS.md');
const analysis = existsSync(analysisPath) ? readFileSync(analysisPath, 'utf8') : '';
const env = (scenario: string) => {
  const e = S.TANDEM_ENV[scenario] ?? {};
  return Object.keys(e).length ? Object.entries(e).map(([k, v]) => `\`${k}=${v}\``).join(', ') : 'defaults';
};

const historyCostText = `The price of history for the relay: the fan-out and hot-document figures of Tandem with history on (its default) and with \`HISTORY=off\`, measured in the same run by the same clients (the tables above), side by side.`;
const versionsText = `The automerge-paper trace (${Number.isFinite(cfg.versions.limit) ? `its first ${fmt(cfg.versions.limit, 0)} edits` : 'every edit'}) is replayed by one writer into one Tandem document the way the editor holds text — the paragraph of its rich-text fragment (the trace's newlines are characters of that paragraph) — one transaction per message, at most ${cfg.versions.window} edits in flight (acknowledged by a second client on its own socket). With history on, the replay pauses at ${cfg.versions.stops.map((f) => `${f * 100} %`).join(', ')} of the edits, once a second client holds every edit so far, to name a version (\`POST /api/docs/:id/versions\`); automatic versions accumulate as over a real working session, compressed into seconds: the writer pauses for ${cfg.versions.pauseMs} ms after every ${fmt(cfg.versions.pauseEvery, 0)} edits (about 5 minutes of typing at 5 keystrokes/s) and \`HISTORY_IDLE_MS=100\` makes a version at each pause, \`HISTORY_MAX_INTERVAL_MS=2000\` one at least every 2 s of editing, and one is made when the document unloads. Then every client leaves, the server unloads the document and is stopped (SIGTERM) and its data directory is measured; it is restarted on the same data and a fresh client (warmed-up Yjs, in a load process) is timed from opening its socket until it holds the whole text, after which the server's RSS is read with the document loaded${cfg.versions.coldRuns > 1 ? ` (${cfg.versions.coldRuns} restarts, median)` : ''}. On that loaded document every history request is timed (table 10), ending with a restore of the 25 % version; a fresh client must then hold exactly the trace's text at 25 %, computed by replaying the trace's first quarter into a local \`Y.Doc\`. The same run with \`HISTORY=off\` (no versions) is the baseline.

**Etherpad is estimated, not run** (it cannot be installed on this machine). Etherpad stores, per pad, one database row per revision (\`pad:<id>:revs:<n>\` → \`{"changeset", "meta": {"author", "timestamp"}}\`), every 100th revision with a key revision in it (the full text and its attributes, and the attribute pool), and one row for the pad itself (its current text). The estimate replays the same edits and encodes each one as an Etherpad changeset (\`Z:<old length>><change>|<lines>=<chars>=<chars>*0+<n>$<text>\`, base 36, ops over newlines split by line), then adds up the keys and JSON values those rows would hold — the database's own per-row and index overhead not counted. The trace has no timing, while Etherpad's client commits at most every 500 ms (merging what was typed meanwhile): the first estimate gives every edit its own revision, as the bench gives every edit its own Yjs update; the second merges ${vAny?.mergedEdits ?? 3} edits per revision (~6 keystrokes/s), counting each merged changeset as the sum of its edits' (an upper bound).`;
const richText = `How structure weighs on the relay and on loading, next to plain text: one document holds ${cfg.richDoc.sections} sections (a heading, a paragraph with bold text and a link, a 4 × 3 table with a header row, two images), built as the editor holds it — ProseMirror JSON checked against Tandem's document schema (\`@tandem/common/schema\`) and written into the \`default\` XmlFragment by the editor's binding (\`@tiptap/y-tiptap\`); the other holds plain paragraphs, as many as make its encoded state as large. On Tandem the images are first uploaded through its HTTP API (table 12b) and the image nodes carry the answered paths; a peer's document names the same hashes (the same bytes of Yjs content). In one load process a writer per document types ${cfg.richDoc.rateHz} characters per second into a paragraph in the middle of it (one Y.XmlText insert per keystroke, as the editor sends it), both documents at once with their keystrokes interleaved, so noise on the machine hits both alike; ${fmt((cfg.richDoc.durationMs - cfg.richDoc.warmupMs) / 1000, 1)} s measured; ${cfg.richDoc.readers} readers per document in another load process record send → integrated. Warm sync: with the document loaded, ${cfg.richDoc.warmRuns} fresh clients one after another, each until the server's step2 is applied (median). Cold sync: the server is stopped (SIGTERM) once it has unloaded the documents, restarted on its data, and a fresh client (in the readers' process, its Yjs warmed up on this content) opens the rich document, then the plain one${cfg.richDoc.coldRuns > 1 ? ` (${cfg.richDoc.coldRuns} restarts, median)` : ''}. Every reader and every fresh client must end with the writer's content.`;
const md = `# Benchmarks

Tandem against its peers on one small machine, in one run of \`npm run bench\`${quick ? ' (quick mode: smaller counts, shorter runs)' : ''}.
Generated ${meta.date.slice(0, 16).replace('T', ' ')} UTC in ${fmt(meta.durationSec / 60)} min; Tandem ${meta.tandem ? `built from commit \`${meta.tandem.commit}\`` : `from server/dist at commit \`${meta.git.commit}\`${meta.git.serverDirty ? ' (server/src had uncommitted changes)' : ''}`}${meta.priority !== 0 ? `, bench processes at nice ${meta.priority} (\`--priority\`) on a machine shared with other work` : ''},
on ${meta.machine.cpus} × ${meta.machine.model}, ${meta.machine.memGiB} GiB, Node ${meta.machine.node}; yjs ${meta.versions.yjs},
@y/websocket-server ${meta.versions['@y/websocket-server']}, @hocuspocus/server ${meta.versions['@hocuspocus/server']}, ws ${meta.versions.ws}.
Every number is from the same run, same clients, same machine; cells read \`value (ratio to the best Yjs peer)\`, the best of
@y/websocket-server and Hocuspocus. The raw relay is the physical floor (it parses nothing).

## Targets

| target | met | Tandem vs reference |
| --- | :---: | --- |
${targets.map((t) => `| ${t.name} | ${t.met ? '✅' : '❌'} | ${t.detail} |`).join('\n')}
${failures.length ? `\n**Failures in this run:**\n\n${failures.map((f) => `- ${f.scenario} / ${SERVER_LABEL[f.server]}: ${f.message}`).join('\n')}\n` : ''}
## How it is measured

- **Servers**, each its own process on 127.0.0.1, fresh for every scenario (one process serves the three hot-document sizes, a new document each):
  Tandem exactly as \`npm start\` runs it (\`node server/dist/main.js\`, persistence on, \`FSYNC_INTERVAL_MS\` at its
  default 1000 — every update appended to its log before it is relayed); @y/websocket-server ${meta.versions['@y/websocket-server']}
  (\`setupWSConnection\` on a \`ws\` server, with the simplest \`setPersistence\` file hooks: read on open, full state written when
  the last client leaves); Hocuspocus ${meta.versions['@hocuspocus/server']} (no extensions, default configuration — updates of
  one tick merged into one broadcast — with \`onLoadDocument\`/\`onStoreDocument\` file hooks, debounced 2 s by default); and a
  ~40-line raw \`ws\` relay that forwards every frame to the other sockets of the same path.
- **Clients** are real Yjs documents in separate load processes (\`node\` workers, many clients each), speaking each
  server's own wire format (y-websocket; Hocuspocus's document-name-prefixed frames with its auth step). An edit inserts a
  character into a \`Y.Text\` and, in the same transaction, pushes \`[client, seq, sentAt]\` to a \`Y.Array\`; latency is
  taken at the end of the receiver's transaction that integrated it (read from the new structs, so the clients' cost does
  not grow with the document). All processes share one clock
  (\`performance.timeOrigin + performance.now()\`).
- **Rounds.** Fan-out and the hot document run ${rounds} time(s), the server order reversed every other round; each
  server keeps its least disturbed round (least CPU used by other processes on the machine). Every round must converge.
- **Convergence** is checked at the end of every scenario: every client of a document must hold the same text, state
  vector and every edit sent, and a fresh client must receive the same from the server; a mismatch fails the run
  (non-zero exit).
- **CPU and memory** of servers come from \`/proc/<pid>/stat\` and \`/proc/<pid>/status\` (VmRSS, sampled every 100 ms);
  each load process reports its own CPU and event-loop delay, and a saturated generator is flagged under its table.
- **Limits raised for Tandem** (environment only, behaviour and durability unchanged): fan-out ${env('fanout')}; hot
  document ${env('hot')}; connections ${env('conns')}; real history ${env('history')}; churn ${env('churn')}; several instances ${env('instances')}; intake curve ${env('intake-curve')}; versions ${env('versions')}; rich document ${env('rich-doc')}.
- **Tandem with history and without.** \`Tandem\` runs with history on (its default: gc off, a history entry appended beside
  every update, automatic versions); \`Tandem, HISTORY=off\` is the same build started the same way with \`HISTORY=off\` (the
  behaviour before history). It runs where history's cost is measured — fan-out, the hot document and versions.

${section('fanout', 'Every client types 5 characters per second and moves its cursor (an awareness update) with every keystroke; the first ' + cfg.fanout.warmupMs / 1000 + ' s are not recorded. Latency is send → integrated by each of the other 4 clients.', ['fanout'])}${Object.keys(results.hot)
  .map((size) =>
    section(
      `hot-${size}`,
      size === String(cfg.hot.sizes[0])
        ? `Every client keeps at most ${cfg.hot.window} of its own edits unacknowledged and sends another as soon as one is acknowledged. An edit is acknowledged when the next client of the document (a ring, inside the same load process) has integrated it — the same rule for every server, whether or not it echoes edits back to their sender. "Delivered edits/s" counts acknowledged edits; every client must hold every edit at the end.`
        : '',
      size === String(cfg.hot.sizes[0]) ? ['hot', 'hot-latency'] : [],
    ),
  )
  .join('')}${section('conns', `Sockets open ${cfg.conns.perDoc} per document from two load processes (${cfg.conns.concurrency} handshakes in flight each), each completing the sync handshake; memory is the server's RSS after minus before, divided by the number of sockets. Tandem's documents are created through its API first (before the baseline), the peers' are created on first connection.`, ['conns'])}${section('history', `The automerge-paper editing trace (\`shared/data/editing-traces/\`, CC BY 4.0, Martin Kleppmann / Joseph Gentle) (a LaTeX paper typed keystroke by keystroke) is replayed into a \`Y.Text\` by one writer, one transaction per message, with at most ${cfg.history.window} edits in flight (acknowledged by a second client on its own socket); intake = edits ÷ time until that observer holds the final text. Then every client leaves, the server writes the document out its own way and is stopped (SIGTERM), restarted on the same data, and a fresh client (a new \`Y.Doc\` in a load process whose Yjs is already warmed up, so the time is the server's) is timed from opening its socket to holding the full text — ${cfg.history.coldRuns} restart(s), median. The floor is Yjs alone on the same document state: \`Y.applyUpdate\` into a fresh \`Y.Doc\` plus \`Y.encodeStateAsUpdate\`, first run in a fresh process (cold, like a restarted server) and warmed up.`, ['history-intake', 'history-cold'])}${section('churn', `Each document is opened by one client that sets its user, types ${cfg.churn.edits} characters with a cursor update each, and closes; then the run waits until the server reports no open document and ${cfg.churn.settleMs / 1000} s more (V8 shrinks its heap a few seconds after activity stops) before reading RSS; the baseline is read the same way. A warm-up round of 20 documents comes before the baseline. A sample of documents is reopened afterwards: every edit must still be there.`, ['churn'])}${section('instances', `The same document served by 1, 2 and 3 Tandem instances (each \`node server/dist/main.js\` on 127.0.0.1, all with the same \`DATABASE_URL\`, \`REDIS_URL\` and \`SECRET\`; the 1-instance column on PostgreSQL + Redis too, so only the number of instances changes). One redis-server and one PostgreSQL (default durability: fsync, synchronous commit) are started for the scenario on free loopback ports; every configuration gets a fresh database. Client *i* connects straight to instance *i* mod *n* (no balancer). Paced: ${cfg.instances.clients} clients type ${cfg.instances.rateHz} characters per second each with a cursor update per keystroke, ${(cfg.instances.pacedMs - cfg.instances.pacedWarmupMs) / 1000} s measured. Hot: the hot-document load (≤ ${cfg.instances.window} unacknowledged edits per client, ${(cfg.instances.hotMs - cfg.instances.hotWarmupMs) / 1000} s measured) with the clients arranged so every acknowledging pair sits on different instances — delivered edits/s is cross-instance throughput. At the end every client must hold every edit and a fresh client on every instance must receive the same document.${cfg.instances.fileReference ? ' The first column is one instance on the embedded file store, for reference.' : ''}`, ['instances-latency', 'instances-throughput'])}${section('intake-curve-alone', `One writer replays the automerge-paper trace (${Number.isFinite(cfg.intakeCurve.limit) ? `its first ${fmt(cfg.intakeCurve.limit, 0)} edits` : 'every edit'}) one transaction — one message — per edit, as fast as its socket accepts them: it waits only when the socket asks it to (\`drain\`), never for an acknowledgement. After every ${fmt(cfg.intakeCurve.slice, 0)} edits it sends a probe (a sync step1); each server answers it (step2) only once it has handled every edit before it — Tandem once they are also durable — so the answers time the server's intake per slice whatever the socket buffers hold. The curve is edits/s per slice (a server handles what one read of its socket brought — up to ~60,000 of these messages — before it answers, so answers arriving within 20 ms of each other share the time since the answer before them); a flat curve means the cost of an edit does not grow with the document's history. A server's run stops ${intakeLimit} after the first edit and reports how far it got. At the end a fresh client must receive exactly the trace's text. First with the writer alone in its document (nothing to relay to anyone), then with one more client, in its own load process, receiving every relay (through the raw relay this client answers the probes, so the relay runs only then).`, ['intake-curve'])}${section('intake-curve-reader', '', ['intake-curve-reader'])}${section('intake-writers-docs', `Four load processes, one writer each, replay the automerge-paper trace (${Number.isFinite(cfg.intakeWriters.limit) ? `its first ${fmt(cfg.intakeWriters.limit, 0)} edits` : 'every edit'} each) one message per edit, as fast as each socket accepts them, with the same probes as the intake curve; all four start together once every writer has synced. First each into its own document, then all four into one document (each its own text), where every writer also receives the other three's relays.`, [])}${section('intake-writers-doc', '', [])}${section('history-cost', historyCostText, [])}${section('versions', versionsText, ['versions-disk'])}${section('versions-requests', '', ['versions-requests'])}${section('rich-doc', richText, [])}${section('rich-uploads', '', [])}${section('startup', `Each server is spawned ${cfg.startup.runs} times on an empty data directory, exactly as in the other scenarios, the servers taking turns (order reversed every other round). Ready is the first answer from its readiness route, polled every 5 ms from the spawn (Tandem's \`/readyz\`; the peers' \`/stats\`, which the bench adds to them); CPU is the process's own by then; RSS is read after ${cfg.startup.idleMs / 1000} s with no client ever connected. The restart on real data (a 259,778-edit document) is in table 4.`, [])}${section('comment-scope', 'The check a comment link\'s update passes (everything it changes lies under `comments`, its own entries, the shape), and the shape check every update that reaches `comments` passes, timed per update on the server\'s compiled modules — no socket, no other server. See server/SPEC.md §CM.', [])}${analysis}`;
writeFileSync(mdPath, md);
say(`wrote ${mdPath}${complete ? '' : ' (docs/benchmarks.md is written only by a full run of every scenario and server)'}`);

rmSync(runDir, { recursive: true, force: true });
if (failures.length > 0) {
  process.stderr.write(`\n\x1b[31m${failures.length} failure(s):\n${failures.map((f) => `  ${f.scenario} / ${f.server}: ${f.message}`).join('\n')}\x1b[0m\n`);
  process.exit(1);
}
say('done');
