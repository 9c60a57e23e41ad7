import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { BenchClient, type ClientSpec, type Mark, type Target } from './client.js';
import { intake, loadTrace, type IntakeCommand } from './intake.js';
import { Histogram, now, pool, sha1, sleep } from './util.js';
import * as rich from './rich-client.js';
import * as versions from './versions-client.js';

/**
 * A load process: runs many clients against one server on instruction from the coordinator (IPC), and
 * reports what they saw plus its own CPU use, so a saturated load generator is visible in the results.
 */

export type Command =
  | {
      cmd: 'connect';
      target: Target;
      clients: ClientSpec[];
      awareness: boolean;
      concurrency: number;
      timeoutMs: number;
      /** Client number → the server instance it is connected to (every client of the run, in any process): latency is then also recorded split into cross-instance and same-instance deliveries. */
      instanceOf?: Record<number, number>;
    }
  | { cmd: 'fanout'; rateHz: number; durationMs: number; warmupMs: number }
  | { cmd: 'hot'; window: number; durationMs: number; warmupMs: number }
  | { cmd: 'drain'; expected: Record<string, number>; timeoutMs: number }
  | { cmd: 'verify'; target: Target; docs: ClientSpec[]; timeoutMs: number }
  | { cmd: 'close' }
  | { cmd: 'churn'; target: Target; docs: ClientSpec[]; concurrency: number; edits: number; timeoutMs: number }
  | { cmd: 'trace'; target: Target; doc: ClientSpec; tracePath: string; limit: number; window: number; timeoutMs: number; statePath: string }
  | { cmd: 'coldsync'; target: Target; doc: ClientSpec; expectLength: number; expectHash: string; timeoutMs: number; warmStatePath: string }
  | { cmd: 'floor'; statePath: string; repeats: number }
  | IntakeCommand
  | versions.VersionsCommand
  | rich.RichCommand;

export interface Digest {
  text: string;
  marks: number;
  sv: string;
}

export interface LoadStats {
  /** Fraction of one core this process used over the measured window. */
  cpu: number;
  /** Event-loop delay p99 (ms) over the window: high means the generator itself was behind. */
  loopP99: number;
}

let clients: BenchClient[] = [];
const hist = new Histogram();
/** With `instanceOf`: deliveries whose sender and receiver are on different instances, and on the same one. */
const histCross = new Histogram();
const histSame = new Histogram();
let deliveries = 0;
let lost = 0;
const loop = monitorEventLoopDelay({ resolution: 5 });

const reply = (msg: object) => process.send!(msg);

function windowStats(cpuStart: NodeJS.CpuUsage, wallStart: number): LoadStats {
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  return { cpu: (cpu.user + cpu.system) / 1000 / wall, loopP99: loop.percentile(99) / 1e6 };
}

async function connect(c: Extract<Command, { cmd: 'connect' }>): Promise<void> {
  const started = now();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  loop.reset();
  loop.enable();
  let recordFrom = Infinity;
  let recordUntil = -Infinity;
  setRecordWindow = (from, until) => {
    recordFrom = from;
    recordUntil = until;
  };
  const onMark = (mark: Mark, at: number, receiver: BenchClient) => {
    const sentAt = mark[2];
    if (sentAt >= recordFrom && sentAt <= recordUntil) {
      hist.record(at - sentAt);
      deliveries++;
      const instanceOf = c.instanceOf;
      if (instanceOf) (instanceOf[mark[0]] === instanceOf[receiver.spec.cnum] ? histSame : histCross).record(at - sentAt);
    }
    ackHook?.(mark, at, receiver);
  };
  const failures: string[] = [];
  const times: number[] = [];
  clients = await pool(c.clients, c.concurrency, async (spec) => {
    const client = new BenchClient(c.target, spec, {
      awareness: c.awareness,
      onMark,
      onLost: () => {
        lost++;
      },
    });
    const t0 = now();
    try {
      await Promise.race([
        client.synced,
        sleep(c.timeoutMs).then(() => {
          throw new Error('sync timeout');
        }),
      ]);
      times.push(now() - t0);
      if (c.awareness) client.setUser(`user-${spec.cnum}`);
    } catch (error) {
      failures.push((error as Error).message);
    }
    return client;
  });
  const stats = windowStats(cpuStart, wallStart);
  times.sort((a, b) => a - b);
  reply({
    evt: 'connected',
    ms: now() - started,
    failures: failures.length,
    firstFailure: failures[0],
    p50: times[Math.floor(times.length * 0.5)] ?? NaN,
    p99: times[Math.floor(times.length * 0.99)] ?? NaN,
    load: stats,
  });
}

let setRecordWindow: (from: number, until: number) => void = () => undefined;
let ackHook: ((mark: Mark, at: number, receiver: BenchClient) => void) | undefined;
let measured: { cpuStart: NodeJS.CpuUsage; wallStart: number } | null = null;
let loadStats: LoadStats | null = null;
let framesAtWarm = 0;
let framesAtEnd = 0;

const totalFramesIn = () => clients.reduce((sum, c) => sum + c.framesIn, 0);

function sentPerDoc(): Record<string, number> {
  const sent: Record<string, number> = {};
  for (const c of clients) sent[c.spec.doc] = (sent[c.spec.doc] ?? 0) + c.seq;
  return sent;
}

/** Scenario 1: every client types `rateHz` characters per second, each followed by a cursor update. */
async function fanout(c: Extract<Command, { cmd: 'fanout' }>): Promise<void> {
  const t0 = now();
  setRecordWindow(t0 + c.warmupMs, t0 + c.durationMs);
  const period = 1000 / c.rateHz;
  const timers: NodeJS.Timeout[] = [];
  for (const client of clients) {
    if (!client.isSynced) continue;
    const start = setTimeout(() => {
      const tick = () => {
        client.type();
        client.moveCursor();
      };
      tick();
      timers.push(setInterval(tick, period));
    }, Math.random() * period);
    timers.push(start);
  }
  await sleep(c.warmupMs);
  measured = { cpuStart: process.cpuUsage(), wallStart: performance.now() };
  loop.reset();
  framesAtWarm = totalFramesIn();
  await sleep(c.durationMs - c.warmupMs);
  for (const t of timers) clearTimeout(t);
  loadStats = windowStats(measured.cpuStart, measured.wallStart);
  framesAtEnd = totalFramesIn();
  reply({ evt: 'stopped', sent: sentPerDoc(), load: loadStats });
}

/**
 * Scenario 2: each client keeps at most `window` edits unacknowledged. An edit is acknowledged when the
 * next client of the same document in this process (its "buddy", a ring) has integrated it — the same rule
 * for every server, whether or not the server echoes edits back to their sender.
 */
async function hot(c: Extract<Command, { cmd: 'hot' }>): Promise<void> {
  const byDoc = new Map<string, BenchClient[]>();
  for (const client of clients) {
    const list = byDoc.get(client.spec.doc) ?? [];
    list.push(client);
    byDoc.set(client.spec.doc, list);
  }
  const ringPrev = new Map<BenchClient, BenchClient>();
  const byCnum = new Map<number, BenchClient>();
  for (const list of byDoc.values()) {
    if (list.length < 2) throw new Error('hot document: each worker needs at least two clients per document');
    list.forEach((client, i) => ringPrev.set(list[(i + 1) % list.length]!, client));
    for (const client of list) byCnum.set(client.spec.cnum, client);
  }
  const acked = new Map<BenchClient, number>(clients.map((cl) => [cl, 0]));
  let running = true;
  let ackedInWindow = 0;
  const t0 = now();
  const warmAt = t0 + c.warmupMs;
  const endAt = t0 + c.durationMs;
  setRecordWindow(warmAt, endAt);
  const pump = (client: BenchClient) => {
    while (running && client.seq - acked.get(client)! < c.window) client.type();
  };
  // `receiver` integrated `mark`; if it came from the client whose buddy `receiver` is, that is an ack.
  const receiverOf = new Map<BenchClient, BenchClient>();
  for (const [receiver, sender] of ringPrev) receiverOf.set(sender, receiver);
  const pending = new Set<BenchClient>();
  let scheduled = false;
  ackHook = (mark, at, receiver) => {
    const sender = byCnum.get(mark[0]);
    // Only the buddy's integration counts as the acknowledgement.
    if (!sender || receiverOf.get(sender) !== receiver) return;
    if (mark[1] > acked.get(sender)!) {
      if (at >= warmAt && at <= endAt) ackedInWindow += mark[1] - acked.get(sender)!;
      acked.set(sender, mark[1]);
      pending.add(sender);
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          for (const s of pending) pump(s);
          pending.clear();
        });
      }
    }
  };
  for (const client of clients) pump(client);
  await sleep(c.warmupMs);
  measured = { cpuStart: process.cpuUsage(), wallStart: performance.now() };
  loop.reset();
  framesAtWarm = totalFramesIn();
  await sleep(c.durationMs - c.warmupMs);
  running = false;
  loadStats = windowStats(measured.cpuStart, measured.wallStart);
  framesAtEnd = totalFramesIn();
  reply({ evt: 'stopped', sent: sentPerDoc(), acked: ackedInWindow, load: loadStats });
}


async function drain(c: Extract<Command, { cmd: 'drain' }>): Promise<void> {
  const deadline = Date.now() + c.timeoutMs;
  const done = () => clients.every((cl) => !cl.isSynced || cl.marks.length >= (c.expected[cl.spec.doc] ?? 0));
  while (!done() && Date.now() < deadline) await sleep(20);
  const digests: Record<string, Digest[]> = {};
  for (const cl of clients) {
    if (!cl.isSynced) continue;
    (digests[cl.spec.doc] ??= []).push(cl.digest());
  }
  reply({
    evt: 'drained',
    complete: done(),
    digests,
    hist: hist.toJSON(),
    histCross: histCross.toJSON(),
    histSame: histSame.toJSON(),
    deliveries,
    frames: framesAtEnd - framesAtWarm,
    lost,
    unsynced: clients.filter((cl) => !cl.isSynced).length,
  });
}

/** A fresh client per document: what the server holds must equal what the clients converged to. */
async function verify(c: Extract<Command, { cmd: 'verify' }>): Promise<void> {
  const digests: Record<string, Digest> = {};
  await pool(c.docs, 16, async (spec) => {
    const client = new BenchClient(c.target, spec);
    try {
      await Promise.race([client.synced, sleep(c.timeoutMs).then(() => Promise.reject(new Error('verify sync timeout')))]);
      digests[spec.doc] = client.digest();
    } finally {
      await client.close();
    }
  });
  reply({ evt: 'verified', digests });
}

async function closeAll(): Promise<void> {
  await Promise.all(clients.map((cl) => cl.close()));
  clients = [];
  reply({ evt: 'closed' });
}

/** Scenario 5: open each document, say hello, type a few characters, close; `concurrency` at a time. */
async function churn(c: Extract<Command, { cmd: 'churn' }>): Promise<void> {
  const started = now();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let failures = 0;
  let firstFailure: string | undefined;
  await pool(c.docs, c.concurrency, async (spec) => {
    const client = new BenchClient(c.target, spec, { awareness: true });
    try {
      await Promise.race([client.synced, sleep(c.timeoutMs).then(() => Promise.reject(new Error('churn sync timeout')))]);
      client.setUser(`user-${spec.cnum}`);
      for (let i = 0; i < c.edits; i++) {
        client.type(String.fromCharCode(97 + (i % 26)));
        client.moveCursor();
      }
    } catch (error) {
      failures++;
      firstFailure ??= (error as Error).message;
    } finally {
      await client.close();
    }
  });
  reply({ evt: 'churned', ms: now() - started, failures, firstFailure, load: windowStats(cpuStart, wallStart) });
}

/**
 * Scenario 4: replays a real editing trace through the server, one transaction per message, from a writer;
 * an observer on a second socket acknowledges by the writer's clock it has integrated, keeping at most
 * `window` edits in flight. Intake = edits / time until the observer holds the final text.
 */
async function trace(c: Extract<Command, { cmd: 'trace' }>): Promise<void> {
  const { txns, expected } = loadTrace(c.tracePath, c.limit);
  const writer = new BenchClient(c.target, { ...c.doc, cnum: 1 });
  const observer = new BenchClient(c.target, { ...c.doc, cnum: 2 });
  await Promise.all([writer.synced, observer.synced]);
  const clockAfter = new Float64Array(txns.length);
  const writerId = writer.doc.clientID;
  let sent = 0;
  let acked = 0;
  let finished = false;
  const text = writer.text;
  const pump = () => {
    while (sent < txns.length && sent - acked < c.window) {
      const patches = txns[sent]!.patches;
      writer.doc.transact(() => {
        for (const [pos, del, ins] of patches) {
          if (del > 0) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
      clockAfter[sent] = Y.getState(writer.doc.store, writerId);
      sent++;
    }
  };
  let resolveDone!: () => void;
  const doneP = new Promise<void>((resolve) => (resolveDone = resolve));
  let scheduled = false;
  observer.doc.on('update', () => {
    const clock = Y.getState(observer.doc.store, writerId);
    while (acked < sent && clockAfter[acked]! <= clock) acked++;
    if (!finished && sent === txns.length && observer.text.length === expected.length && clock >= clockAfter[txns.length - 1]!) {
      if (observer.text.toString() === expected) {
        finished = true;
        resolveDone();
        return;
      }
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        pump();
      });
    }
  });
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  loop.reset();
  const t0 = now();
  pump();
  const timedOut = await Promise.race([doneP.then(() => false), sleep(c.timeoutMs).then(() => true)]);
  const ms = now() - t0;
  const load = windowStats(cpuStart, wallStart);
  const writerOk = writer.text.toString() === expected;
  const state = Y.encodeStateAsUpdate(writer.doc);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(c.statePath, state);
  await Promise.all([writer.close(), observer.close()]);
  reply({
    evt: 'traced',
    edits: txns.length,
    ms,
    timedOut,
    converged: finished && writerOk,
    expectLength: expected.length,
    expectHash: sha1(expected),
    stateBytes: state.byteLength,
    load,
  });
}

/** Cold full sync: a fresh client (in a fresh process) until it holds the expected text. */
async function coldsync(c: Extract<Command, { cmd: 'coldsync' }>): Promise<void> {
  // The client side is warmed up (Yjs decoding JIT-compiled) so the time is the server's, not a cold client's.
  const warm = readFileSync(c.warmStatePath);
  for (let i = 0; i < 5; i++) {
    const d = new Y.Doc();
    Y.applyUpdate(d, warm);
    d.getText('bench').toString();
    d.destroy();
  }
  const t0 = now();
  let firstFrameMs = Number.NaN;
  const client = new BenchClient(c.target, { ...c.doc, cnum: 3 });
  client.ws.once('message', () => (firstFrameMs = now() - t0));
  let doneMs = Number.NaN;
  let ok = false;
  await new Promise<void>((resolve) => {
    const check = () => {
      if (client.text.length === c.expectLength && sha1(client.text.toString()) === c.expectHash) {
        doneMs = now() - t0;
        ok = true;
        resolve();
      }
    };
    client.doc.on('afterTransaction', check);
    setTimeout(resolve, c.timeoutMs).unref();
  });
  const step2Ms = client.step2ArrivedAt ? client.step2ArrivedAt - t0 : Number.NaN;
  await client.close();
  reply({ evt: 'coldsynced', ok, ms: doneMs, step2Ms, firstFrameMs });
}

/** The floor: Yjs alone, in this (fresh) process — decode the stored state into a new doc, encode it again. */
function floor(c: Extract<Command, { cmd: 'floor' }>): void {
  const state = readFileSync(c.statePath);
  const runs: number[] = [];
  for (let i = 0; i < c.repeats; i++) {
    const t0 = performance.now();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    Y.encodeStateAsUpdate(doc);
    runs.push(performance.now() - t0);
    doc.destroy();
  }
  reply({ evt: 'floored', cold: runs[0], warm: runs.slice(1).sort((a, b) => a - b)[Math.floor((runs.length - 1) / 2)] ?? NaN, bytes: state.byteLength });
}

process.on('message', (msg: Command) => {
  // A running intake's start signal, not a command (see `startTogether`).
  if ((msg as { cmd: string }).cmd === 'go') return;
  const run = async () => {
    switch (msg.cmd) {
      case 'connect':
        return connect(msg);
      case 'fanout':
        return fanout(msg);
      case 'hot':
        return hot(msg);
      case 'drain':
        return drain(msg);
      case 'verify':
        return verify(msg);
      case 'close':
        await versions.closeVersionsClients();
        await rich.closeRichClients();
        await closeAll();
        return process.exit(0);
      case 'churn':
        return churn(msg);
      case 'trace':
        return trace(msg);
      case 'coldsync':
        return coldsync(msg);
      case 'floor':
        return floor(msg);
      case 'versions-prepare':
        return reply(versions.prepare(msg));
      case 'versions-replay':
        return reply(await versions.replay(msg));
      case 'versions-open':
        return reply(await versions.open(msg));
      case 'versions-check':
        return reply(await versions.check(msg));
      case 'rich-seed':
        return reply(await rich.seed(msg));
      case 'rich-readers':
        return reply(await rich.connectReaders(msg));
      case 'rich-type':
        return reply(await rich.type(msg));
      case 'rich-drain':
        return reply(await rich.drain(msg));
      case 'rich-fresh':
        return reply(await rich.fresh(msg));
      case 'rich-close':
        return reply(await rich.closeRichClients());
      case 'intake':
        loop.reset();
        loop.enable();
        return reply(await intake(msg, windowStats));
    }
  };
  run().catch((error: unknown) => reply({ evt: 'error', message: (error as Error).stack ?? String(error) }));
});
process.on('disconnect', () => process.exit(0));
reply({ evt: 'up' });
