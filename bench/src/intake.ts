import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { BenchClient, type ClientSpec, type Target } from './client.js';
import { now, sha1, sleep } from './util.js';

/** An editing trace (`shared/data/editing-traces/`): apply every patch in order, like `splice` on the text. */
export interface Trace {
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

/** The first `limit` transactions of the trace at `path` and the text they leave. */
export function loadTrace(path: string, limit: number): { txns: Trace['txns']; expected: string } {
  const data = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Trace;
  const txns = data.txns.slice(0, limit);
  if (txns.length === data.txns.length) return { txns, expected: data.endContent };
  const chars: string[] = [];
  for (const t of txns) for (const [pos, del, ins] of t.patches) chars.splice(pos, del, ...ins);
  return { txns, expected: chars.join('') };
}

export interface IntakeCommand {
  cmd: 'intake';
  target: Target;
  doc: ClientSpec;
  tracePath: string;
  limit: number;
  /** Edits per slice: a probe follows the last edit of each. */
  slice: number;
  /** The writer stops sending this long after its first edit; what the server confirmed by then is reported. */
  timeLimitMs: number;
  /** Check the text on a fresh client afterwards (not through the raw relay, which holds nothing). */
  freshReader: boolean;
  /** The root `Y.Text` written (default `bench`): several writers of one document each write their own. */
  textName?: string;
  timeoutMs: number;
  /**
   * Several writers of one scenario: once synced, say so and wait for the coordinator's go, so that all start
   * together and none floods the server while another is still joining.
   */
  startTogether?: boolean;
}

/** Tells the coordinator this writer is ready (`ready`) and resolves at its `go`. */
function startSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (msg: { cmd?: string }) => {
      if (msg?.cmd !== 'go') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ evt: 'ready' });
  });
}

export interface IntakeReply {
  evt: 'intake';
  edits: number;
  sent: number;
  /** Edits the server confirmed (the probe after them was answered). */
  confirmed: number;
  /** When each probe was answered, ms after the first edit: slice k's answer says its edits were handled. */
  answeredMs: number[];
  /** First edit → last probe answered (all edits, or as far as it got). */
  totalMs: number;
  finished: boolean;
  /** A fresh client's text equals the trace's; null when not checked. */
  textOk: boolean | null;
  expectHash: string;
  load: { cpu: number; loopP99: number };
}

/** Edits applied between two turns of the event loop, so probe answers are timestamped as they arrive. */
const YIELD_EVERY = 1_000;

/**
 * The trace as a writer's updates, one Yjs transaction per edit, and the writer's state vector after every
 * `slice` edits (what its probes carry).
 */
function prepare(txns: Trace['txns'], slice: number, textName: string): { updates: Uint8Array[]; vectors: Uint8Array[] } {
  const doc = new Y.Doc();
  const text = doc.getText(textName);
  const updates: Uint8Array[] = [];
  const vectors: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  txns.forEach(({ patches }, i) => {
    doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
    if ((i + 1) % slice === 0 || i + 1 === txns.length) vectors.push(Y.encodeStateVector(doc));
  });
  doc.destroy();
  return { updates, vectors };
}

/**
 * The intake curve's writer: replays the trace one transaction (one message) per edit as fast as its socket
 * accepts them — it waits only when the socket asks it to (`drain`), never for an acknowledgement — and
 * sends a probe (a sync step1) after every `slice` edits. The server answers a probe once it has handled
 * every edit before it, so the answers' times give the server's intake per slice, whatever the kernel's
 * socket buffers hold meanwhile. The updates are made before the clock starts (the same bytes a Yjs client
 * typing the trace sends), so the writer costs a send per edit and the server, not the client, sets the pace.
 */
export async function intake(c: IntakeCommand, loadStats: (cpuStart: NodeJS.CpuUsage, wallStart: number) => { cpu: number; loopP99: number }): Promise<IntakeReply> {
  const { txns, expected } = loadTrace(c.tracePath, c.limit);
  const textName = c.textName ?? 'bench';
  const { updates, vectors } = prepare(txns, c.slice, textName);
  const answers: number[] = [];
  let answered: () => void = () => undefined;
  const writer = new BenchClient(c.target, { ...c.doc, cnum: 1 }, {
    onProbeReply: (at) => {
      answers.push(at);
      answered();
    },
  });
  await Promise.race([writer.synced, sleep(c.timeoutMs).then(() => Promise.reject(new Error('intake writer sync timeout')))]);
  if (c.startTogether) await startSignal();
  const socket = (writer.ws as unknown as { _socket: Socket })._socket;
  const probes: number[] = [];
  let sent = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const t0 = now();
  const deadline = t0 + c.timeLimitMs;
  await new Promise<void>((resolve) => {
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      resolve();
    };
    // A server that stops reading leaves the socket undrained: the time limit ends the replay regardless.
    const timer = setTimeout(stop, c.timeLimitMs);
    const pump = () => {
      if (stopped) return;
      const until = sent + YIELD_EVERY;
      while (sent < txns.length && sent < until) {
        if (socket.writableNeedDrain) return void socket.once('drain', pump);
        writer.sendUpdate(updates[sent]!);
        sent++;
        if (sent % c.slice === 0 || sent === txns.length) {
          writer.probe(vectors[probes.length]!);
          probes.push(sent);
        }
      }
      if (sent < txns.length) setImmediate(pump);
      else stop();
    };
    pump();
  });
  // Wait for the answers to the probes sent, within the time limit.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - now()));
    answered = () => {
      if (answers.length < probes.length) return;
      clearTimeout(timer);
      resolve();
    };
    answered();
  });
  answered = () => undefined;
  const load = loadStats(cpuStart, wallStart);
  const confirmed = answers.length > 0 ? probes[answers.length - 1]! : 0;
  const finished = confirmed === txns.length;
  const totalMs = (answers.at(-1) ?? now()) - t0;
  let textOk: boolean | null = null;
  if (finished && c.freshReader) {
    const reader = new BenchClient(c.target, { ...c.doc, cnum: 3 });
    try {
      await Promise.race([reader.synced, sleep(c.timeoutMs)]);
      textOk = reader.isSynced && reader.doc.getText(textName).toString() === expected;
    } finally {
      await reader.close();
    }
  }
  await writer.close();
  return { evt: 'intake', edits: txns.length, sent, confirmed, answeredMs: answers.map((at) => at - t0), totalMs, finished, textOk, expectHash: sha1(expected), load };
}
