import { readFileSync, writeFileSync } from 'node:fs';
import * as Y from 'yjs';
import { BenchClient, type ClientSpec, type Target } from './client.js';
import { estimateEtherpad, type EtherpadEstimate } from './etherpad-estimate.js';
import { loadTrace, type Trace } from './intake.js';
import { now, sha1 } from './util.js';

/**
 * The load-process side of the `versions` scenario: a writer replays the editing trace into a Tandem document
 * the way its editor holds text — the `default` XmlFragment (Tiptap's), inside the paragraph every new
 * document is seeded with — in segments, so the coordinator can name a version between two segments; and
 * fresh clients that time a load and read back what a restore left.
 *
 * The whole trace goes into that one paragraph (its newlines are characters of the paragraph's text): turning
 * them into paragraph splits would change what is replayed, and the trace's text is what the checks compare.
 */

/** Tiptap's fragment, where Tandem keeps a document's rich text (@tandem/common's CONTENT_FRAGMENT). */
const CONTENT_FRAGMENT = 'default';

export type VersionsCommand =
  | { cmd: 'versions-prepare'; tracePath: string; limit: number; fractions: number[] }
  | {
      cmd: 'versions-replay';
      target: Target;
      doc: ClientSpec;
      until: number;
      window: number;
      timeoutMs: number;
      /** The text the trace has after `until` edits, when known (checked against the writer's). */
      expect?: ExpectedText;
      /** Where the writer's final state is written (warms up the fresh clients' Yjs). */
      statePath: string;
    }
  | { cmd: 'versions-open'; target: Target; doc: ClientSpec; expect: ExpectedText; timeoutMs: number; warmStatePath: string }
  | { cmd: 'versions-check'; target: Target; doc: ClientSpec; expect: ExpectedText; timeoutMs: number };

/** A text the document must hold at some point of the replay. */
export interface ExpectedText {
  edits: number;
  length: number;
  hash: string;
}

export interface PrepareReply {
  evt: 'versions-prepared';
  edits: number;
  /** Where the replay stops for a version: `fractions` of the edits, as edit counts. */
  stops: number[];
  /** The text after each stop (in order) and after the last edit. */
  expected: ExpectedText[];
  /** Etherpad's storage for the same edits: one revision per edit, and one per `MERGED_EDITS` edits. */
  etherpad: EtherpadEstimate;
  etherpadMerged: EtherpadEstimate;
}

/**
 * Keystrokes one Etherpad revision holds when its client merges what was typed within one 500 ms commit
 * interval at a steady ~6 keystrokes per second.
 */
export const MERGED_EDITS = 3;

export interface ReplayReply {
  evt: 'versions-replayed';
  sent: number;
  ms: number;
  /** CPU this load process used meanwhile (the writer, the observer), ms. */
  cpuMs: number;
  /** The observer (another socket) holds the writer's text: the server has accepted every edit so far. */
  converged: boolean;
  /** The writer's text is the trace's at this point. */
  textOk: boolean;
}

export interface OpenReply {
  evt: 'versions-opened';
  ok: boolean;
  /** Opening the socket → holding the expected text. */
  ms: number;
  /** Opening the socket → the server's sync step2 frame arrived. */
  step2Ms: number;
  length: number;
}

/** The paragraph's text (the seed paragraph's Y.XmlText), or null before the document has one. */
export function paragraphText(doc: Y.Doc): Y.XmlText | null {
  const paragraph = doc.getXmlFragment(CONTENT_FRAGMENT).get(0);
  if (!(paragraph instanceof Y.XmlElement)) return null;
  const text = paragraph.get(0);
  return text instanceof Y.XmlText ? text : null;
}

/** The characters of a paragraph's text, without the XML rendering of marks that XmlText.toString adds. */
const plain = (text: Y.XmlText | null): string => (text ? Y.Text.prototype.toString.call(text) : '');

let txns: Trace['txns'] = [];
let writer: BenchClient | null = null;
let observer: BenchClient | null = null;
/** Edits sent so far, and the writer's clock after each (an observer holding that clock has integrated it). */
let sent = 0;
let clockAfter = new Float64Array(0);
const held: BenchClient[] = [];

/**
 * Loads the trace (a prefix of `limit` edits), places the stops, and computes, independently of any server,
 * the text after each stop by replaying the trace into a local Y.Doc; plus the Etherpad storage estimate for the same edits.
 */
export function prepare(c: Extract<VersionsCommand, { cmd: 'versions-prepare' }>): PrepareReply {
  const trace = loadTrace(c.tracePath, c.limit);
  txns = trace.txns;
  const local = new Y.Doc();
  const text = local.getText('t');
  const expected: ExpectedText[] = [];
  const stops = c.fractions.map((f) => Math.max(1, Math.round(f * txns.length)));
  const points = [...stops, txns.length];
  let next = 0;
  txns.forEach((txn, i) => {
    local.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
    while (next < points.length && points[next] === i + 1) {
      const s = text.toString();
      expected.push({ edits: i + 1, length: s.length, hash: sha1(s) });
      next++;
    }
  });
  local.destroy();
  return {
    evt: 'versions-prepared',
    edits: txns.length,
    stops,
    expected, etherpad: estimateEtherpad(txns, trace.expected),
    etherpadMerged: estimateEtherpad(txns, trace.expected, MERGED_EDITS),
  };
}

/**
 * Replays edits [sent, until) one transaction (one message) each, at most `window` unconfirmed: an edit is
 * confirmed when a second client, on its own socket, has integrated the writer's clock after it. Returns once
 * that client holds exactly the writer's text — Tandem relays an update only after appending it — so a version
 * named right after covers every edit so far. The first call connects both clients.
 */
export async function replay(c: Extract<VersionsCommand, { cmd: 'versions-replay' }>): Promise<ReplayReply> {
  if (!writer || !observer) {
    writer = new BenchClient(c.target, { ...c.doc, cnum: 1 }, { awareness: true });
    observer = new BenchClient(c.target, { ...c.doc, cnum: 2 });
    await Promise.all([writer.synced, observer.synced]);
    writer.setUser('Trace writer');
    clockAfter = new Float64Array(txns.length);
  }
  const w = writer;
  const o = observer;
  const text = paragraphText(w.doc);
  if (!text) throw new Error('the document has no paragraph to type into (was it created through POST /api/docs?)');
  const writerId = w.doc.clientID;
  const until = Math.min(c.until, txns.length);
  let acked = sent;
  const cpuStart = process.cpuUsage();
  const t0 = now();
  const pump = () => {
    while (sent < until && sent - acked < c.window) {
      w.doc.transact(() => {
        for (const [pos, del, ins] of txns[sent]!.patches) {
          if (del > 0) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
      clockAfter[sent] = Y.getState(w.doc.store, writerId);
      sent++;
    }
  };
  let scheduled = false;
  const converged = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => finish(false), c.timeoutMs);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      o.doc.off('update', onUpdate);
      resolve(ok);
    };
    const caughtUp = () => {
      if (sent < until) return false;
      const clock = Y.getState(o.doc.store, writerId);
      if (until > 0 && clock < clockAfter[until - 1]!) return false;
      const mine = plain(text);
      const theirs = plain(paragraphText(o.doc));
      return mine.length === theirs.length && mine === theirs;
    };
    const onUpdate = () => {
      const clock = Y.getState(o.doc.store, writerId);
      while (acked < sent && clockAfter[acked]! <= clock) acked++;
      if (caughtUp()) return finish(true);
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      }
    };
    o.doc.on('update', onUpdate);
    pump();
    // Nothing to wait for (no edits in this segment), or the last ones changed nothing the observer sees.
    if (caughtUp()) finish(true);
  });
  const ms = now() - t0;
  const cpu = process.cpuUsage(cpuStart);
  const mine = plain(text);
  const textOk = !c.expect || (mine.length === c.expect.length && sha1(mine) === c.expect.hash);
  if (sent === txns.length) writeFileSync(c.statePath, Y.encodeStateAsUpdate(w.doc));
  return { evt: 'versions-replayed', sent, ms, cpuMs: (cpu.user + cpu.system) / 1000, converged, textOk };
}

/** Closes the writer and the observer: the document's last clients leave, so the server unloads it. */
export async function closeWriter(): Promise<void> {
  await Promise.all([writer?.close(), observer?.close()]);
  writer = observer = null;
}

/** Waits (bounded) until `client`'s paragraph holds `expect`; true when it does. */
function holds(client: BenchClient, expect: ExpectedText, timeoutMs: number): Promise<boolean> {
  const matches = () => {
    const s = plain(paragraphText(client.doc));
    return s.length === expect.length && sha1(s) === expect.hash;
  };
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.doc.off('afterTransaction', check);
      resolve(ok);
    };
    const check = () => {
      if (matches()) done(true);
    };
    client.doc.on('afterTransaction', check);
    client.synced.then(check, () => done(false));
  });
}

/**
 * A fresh client after a restart: timed from opening its socket until it holds the whole text. Its Yjs is
 * warmed up first, so the time is the server's. It stays connected (the document stays loaded) until the
 * process is closed.
 */
export async function open(c: Extract<VersionsCommand, { cmd: 'versions-open' }>): Promise<OpenReply> {
  const warm = readFileSync(c.warmStatePath);
  for (let i = 0; i < 5; i++) {
    const d = new Y.Doc();
    Y.applyUpdate(d, warm);
    plain(paragraphText(d));
    d.destroy();
  }
  const t0 = now();
  const client = new BenchClient(c.target, { ...c.doc, cnum: 3 });
  held.push(client);
  const ok = await holds(client, c.expect, c.timeoutMs);
  const ms = now() - t0;
  return {
    evt: 'versions-opened',
    ok,
    ms: ok ? ms : Number.NaN,
    step2Ms: client.step2ArrivedAt ? client.step2ArrivedAt - t0 : Number.NaN,
    length: plain(paragraphText(client.doc)).length,
  };
}

/** A fresh client reads the document: does it hold `expect` (e.g. the trace's text at 25 % after a restore)? */
export async function check(c: Extract<VersionsCommand, { cmd: 'versions-check' }>): Promise<{ evt: 'versions-checked'; ok: boolean; length: number }> {
  const client = new BenchClient(c.target, { ...c.doc, cnum: 4 });
  try {
    const ok = await holds(client, c.expect, c.timeoutMs);
    return { evt: 'versions-checked', ok, length: plain(paragraphText(client.doc)).length };
  } finally {
    await client.close();
  }
}

/** Everything this module connected, closed (the load process is exiting). */
export async function closeVersionsClients(): Promise<void> {
  await closeWriter();
  await Promise.all(held.splice(0).map((client) => client.close()));
}
