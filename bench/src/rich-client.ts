import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { BenchClient, type ClientSpec, type Mark, type Target } from './client.js';
import { TYPING_MARKER } from './rich-build.js';
import { now, sha1, sleep } from './util.js';

/**
 * The load-process side of the `rich-doc` scenario. A writer seeds a document with a built update (the
 * rich or the plain one) and types into the paragraph that starts with `TYPING_MARKER`, one character per
 * transaction — as the editor writes a keystroke into a paragraph's Y.XmlText — with its send time pushed to
 * the `marks` array in the same transaction; readers record send → integrated. Fresh clients time a full sync.
 */

export type RichCommand =
  | { cmd: 'rich-seed'; target: Target; docs: { spec: ClientSpec; updatePath: string }[]; timeoutMs: number }
  | { cmd: 'rich-readers'; target: Target; docs: { spec: ClientSpec; sv: string }[]; readers: number; timeoutMs: number }
  | { cmd: 'rich-type'; docs: string[]; rateHz: number; durationMs: number; warmupMs: number }
  | { cmd: 'rich-drain'; docs: { doc: string; writer: number; sent: number; digest: RichDigest }[]; from: number; until: number; timeoutMs: number }
  | { cmd: 'rich-fresh'; target: Target; doc: ClientSpec; content: string; runs: number; warmStatePath?: string; timeoutMs: number }
  | { cmd: 'rich-close' };

/** What a document holds: its rich text (the `default` fragment as XML) and its state vector. */
export interface RichDigest {
  content: string;
  sv: string;
}

export interface DrainReply {
  evt: 'rich-drained';
  docs: {
    /** Send → integrated, ms, of every keystroke sent within the window, at every reader. */
    latencies: number[];
    complete: boolean;
    /** Readers whose document differs from the writer's at the end. */
    diverged: number;
  }[];
  /** Fraction of a core this process used since the readers connected or the last drain. */
  cpu: number;
}

export interface FreshReply {
  evt: 'rich-fresh';
  /** Opening the socket → the sync step2 applied, ms, per run. */
  ms: number[];
  /** … → the step2 frame arrived (before it was applied). */
  step2Ms: number[];
  /** Every fresh client held the expected content. */
  ok: boolean;
}

const digest = (doc: Y.Doc): RichDigest => ({ content: sha1(doc.getXmlFragment('default').toString()), sv: sha1(Y.encodeStateVector(doc)) });

const writers = new Map<string, BenchClient>();
const readers = new Map<string, BenchClient[]>();
/** Per document: [sentAt, latency] of every mark the readers integrated. */
const samples = new Map<string, [number, number][]>();
let cpuMark = { usage: process.cpuUsage(), at: now() };
const cpuSinceMark = (): number => {
  const used = process.cpuUsage(cpuMark.usage);
  const share = (used.user + used.system) / 1000 / (now() - cpuMark.at);
  cpuMark = { usage: process.cpuUsage(), at: now() };
  return share;
};

async function synced(client: BenchClient, timeoutMs: number, what: string): Promise<void> {
  await Promise.race([client.synced, sleep(timeoutMs).then(() => Promise.reject(new Error(`${what}: sync timed out after ${timeoutMs} ms`)))]);
}

/** The Y.XmlText of the paragraph that starts with the marker. */
function typingText(doc: Y.Doc): Y.XmlText {
  for (const node of doc.getXmlFragment('default').toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== 'paragraph') continue;
    const text = node.get(0);
    if (text instanceof Y.XmlText && Y.Text.prototype.toString.call(text).startsWith(TYPING_MARKER)) return text;
  }
  throw new Error('no paragraph starts with the typing marker');
}

/** A writer per document connects, seeds it if empty as `POST /api/docs` does (a peer's starts empty), then sends the built content. */
export async function seed(c: Extract<RichCommand, { cmd: 'rich-seed' }>): Promise<{ evt: 'rich-seeded'; digests: RichDigest[] }> {
  const digests = await Promise.all(
    c.docs.map(async ({ spec, updatePath }) => {
      const writer = new BenchClient(c.target, spec);
      writers.set(spec.doc, writer);
      await synced(writer, c.timeoutMs, 'writer');
      const fragment = writer.doc.getXmlFragment('default');
      if (fragment.length === 0) {
        writer.doc.transact(() => {
          const paragraph = new Y.XmlElement('paragraph');
          paragraph.insert(0, [new Y.XmlText()]);
          fragment.insert(0, [paragraph]);
        });
      }
      // Applied locally, so the client's update handler sends it to the server as one sync update.
      Y.applyUpdate(writer.doc, readFileSync(updatePath));
      typingText(writer.doc);
      return digest(writer.doc);
    }),
  );
  return { evt: 'rich-seeded', digests };
}

/** Readers connect to every document and wait until each holds what its writer sent (it may still be on its way). */
export async function connectReaders(c: Extract<RichCommand, { cmd: 'rich-readers' }>): Promise<{ evt: 'rich-readers' }> {
  const deadline = Date.now() + c.timeoutMs;
  const all: { reader: BenchClient; sv: string }[] = [];
  for (const { spec, sv } of c.docs) {
    const got: [number, number][] = [];
    samples.set(spec.doc, got);
    const list = Array.from(
      { length: c.readers },
      (_, i) => new BenchClient(c.target, { ...spec, cnum: spec.cnum + 1 + i }, { onMark: (mark: Mark, at: number) => got.push([mark[2], at - mark[2]]) }),
    );
    readers.set(spec.doc, list);
    all.push(...list.map((reader) => ({ reader, sv })));
  }
  for (const { reader, sv } of all) {
    await synced(reader, c.timeoutMs, 'reader');
    while (sha1(Y.encodeStateVector(reader.doc)) !== sv) {
      if (Date.now() > deadline) throw new Error('a reader never received the seeded content');
      await sleep(20);
    }
  }
  cpuSinceMark();
  return { evt: 'rich-readers' };
}

/**
 * Every writer types `rateHz` characters per second into its marked paragraph, moving right as it goes — the
 * documents at the same time, their keystrokes interleaved, so machine noise hits them alike.
 */
export async function type(c: Extract<RichCommand, { cmd: 'rich-type' }>): Promise<{ evt: 'rich-typed'; sent: number[]; digests: RichDigest[]; from: number; until: number; cpu: number }> {
  const period = 1000 / c.rateHz;
  const t0 = now();
  const cpu0 = process.cpuUsage();
  const timers: NodeJS.Timeout[] = [];
  const list = c.docs.map((doc, i) => {
    const writer = writers.get(doc);
    if (!writer) throw new Error(`no writer for ${doc}`);
    const text = typingText(writer.doc);
    let pos = TYPING_MARKER.length;
    const keystroke = () => {
      const seq = ++writer.seq;
      writer.doc.transact(() => {
        text.insert(pos++, String.fromCharCode(97 + (seq % 26)));
        writer.marks.push([[writer.spec.cnum, seq, now()]]);
      });
    };
    timers.push(setTimeout(() => timers.push(setInterval(keystroke, period)), (i * period) / c.docs.length));
    return writer;
  });
  await sleep(c.durationMs);
  for (const t of timers) clearTimeout(t);
  const cpu = process.cpuUsage(cpu0);
  return {
    evt: 'rich-typed',
    sent: list.map((w) => w.seq),
    digests: list.map((w) => digest(w.doc)),
    from: t0 + c.warmupMs,
    until: t0 + c.durationMs,
    cpu: (cpu.user + cpu.system) / 1000 / (now() - t0),
  };
}

/** Waits until every reader holds every keystroke, then hands over the window's latencies per document. */
export async function drain(c: Extract<RichCommand, { cmd: 'rich-drain' }>): Promise<DrainReply> {
  const deadline = Date.now() + c.timeoutMs;
  const has = (r: BenchClient, writer: number, sent: number) => r.marks.toArray().filter((m) => m[0] === writer).length >= sent;
  const done = () => c.docs.every((d) => (readers.get(d.doc) ?? []).every((r) => has(r, d.writer, d.sent)));
  while (!done() && Date.now() < deadline) await sleep(20);
  const docs = c.docs.map((d) => {
    const list = readers.get(d.doc) ?? [];
    const diverged = list.filter((r) => {
      const got = digest(r.doc);
      return got.content !== d.digest.content || got.sv !== d.digest.sv;
    }).length;
    const latencies = (samples.get(d.doc) ?? []).filter(([sentAt]) => sentAt >= c.from && sentAt <= c.until).map(([, ms]) => ms);
    return { latencies, complete: list.every((r) => has(r, d.writer, d.sent)), diverged };
  });
  return { evt: 'rich-drained', docs, cpu: cpuSinceMark() };
}

/**
 * `runs` fresh clients one after another, each timed from opening its socket until the server's sync step2 is
 * applied (everything the server holds), then checked against the expected content. With `warmStatePath`
 * Yjs is warmed up first on that state, so the time is the server's, not a cold client's.
 */
export async function fresh(c: Extract<RichCommand, { cmd: 'rich-fresh' }>): Promise<FreshReply> {
  if (c.warmStatePath) {
    const state = readFileSync(c.warmStatePath);
    for (let i = 0; i < 3; i++) {
      const d = new Y.Doc();
      Y.applyUpdate(d, state);
      d.getXmlFragment('default').toString();
      d.destroy();
    }
  }
  const ms: number[] = [];
  const step2Ms: number[] = [];
  let ok = true;
  for (let i = 0; i < c.runs; i++) {
    const t0 = now();
    const client = new BenchClient(c.target, { ...c.doc, cnum: 900 + i });
    try {
      await synced(client, c.timeoutMs, 'fresh client');
      ms.push(client.syncedAt - t0);
      step2Ms.push(client.step2ArrivedAt - t0);
      if (digest(client.doc).content !== c.content) ok = false;
    } finally {
      await client.close();
    }
  }
  return { evt: 'rich-fresh', ms, step2Ms, ok };
}

export async function closeRichClients(): Promise<{ evt: 'rich-closed' }> {
  const all = [...writers.values(), ...[...readers.values()].flat()];
  writers.clear();
  readers.clear();
  samples.clear();
  await Promise.all(all.map((c) => c.close()));
  return { evt: 'rich-closed' };
}
