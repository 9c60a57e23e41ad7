/**
 * `comment-scope`: what the comment rules (server/SPEC.md §CM) cost per update, timed in-process on the
 * server's own compiled modules (`server/dist`) and its Yjs — the function the room runs before applying an
 * update, not a socket round trip.
 *
 * - edit, no comments: the automerge-paper trace replayed into a paragraph of the `default` fragment, one
 *   update per edit, into a document without a `comments` root: the fast path (one pass over the structs).
 * - edit, with comments: the same into a document that has threads: every struct is placed (`reach.ts`).
 * - comment link: threads, replies, resolutions and edits of its own comments on the finished paper, each
 *   placed and judged against the comment scope and the shape.
 * For scale, each row also times the [M2] decode and check every update already pays, and `Y.applyUpdate`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as YT from 'yjs';
import { loadTrace } from './intake.js';
import { REPO_ROOT } from './servers.js';

type Decoded = ReturnType<typeof YT.decodeUpdate>;
interface Writer {
  scope: 'comment' | 'edit';
  owns(client: number): boolean;
}
interface RulesModule {
  checkCommentRules(doc: YT.Doc, update: Decoded, writer: Writer): { kind: string };
}
interface GuardModule {
  decodeCheckedUpdate(update: Uint8Array): { decoded: Decoded } | { refused: string };
}

/** Microseconds per update (of the checks: the fastest of `REPEAT` runs): mean, 99th percentile, worst. */
export interface Cost {
  mean: number;
  p99: number;
  max: number;
}

export interface ScopeCostCase {
  updates: number;
  rules: Cost;
  decode: Cost;
  apply: Cost;
  /** Updates the rules refused (must be 0: every update here is a legal one). */
  refused: number;
}

export interface ScopeCostResult {
  editPlain: ScopeCostCase;
  editWithComments: ScopeCostCase;
  comment: ScopeCostCase;
}

export async function scopeCost(tracePath: string, limit: number, commentUpdates: number): Promise<ScopeCostResult> {
  // The server's modules and the very Yjs they use (bench has its own copy; Yjs checks classes by identity).
  const dist = (path: string) => pathToFileURL(join(REPO_ROOT, path)).href;
  const Y = (await import(dist('node_modules/yjs/dist/yjs.mjs'))) as typeof YT;
  const rules = (await import(dist('server/dist/comments/update-rules.js'))) as RulesModule;
  const guard = (await import(dist('server/dist/rooms/update-guard.js'))) as GuardModule;

  const { txns } = loadTrace(tracePath, limit);
  // The writer: one paragraph holding the paper, as the editor lays text out.
  const writer = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  const seed = captured(Y, writer, () => {
    paragraph.insert(0, [new Y.XmlText()]);
    writer.getXmlFragment('default').insert(0, [paragraph]);
  });
  const text = paragraph.get(0) as YT.XmlText;
  const edits = txns.map(({ patches }) =>
    captured(Y, writer, () =>
      writer.transact(() => {
        for (const [pos, del, ins] of patches) {
          if (del > 0) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      }),
    ),
  );

  const editor: Writer = { scope: 'edit', owns: () => true };
  const plain = serverDoc(Y, [seed]);
  const editPlain = run(Y, rules, guard, plain, edits, editor);
  plain.destroy();

  // Some threads first, from another client, so the comments root exists and holds something.
  const commenter = new Y.Doc();
  Y.applyUpdate(commenter, seed);
  const threads = Array.from({ length: 50 }, (_, i) => captured(Y, commenter, () => addThread(Y, commenter, `seed${i}`, 0)));
  const withComments = serverDoc(Y, [seed, ...threads]);
  const editWithComments = run(Y, rules, guard, withComments, edits, editor);

  // A comment link on the finished paper: its own threads, replies to anyone's, resolutions, edits of its own.
  Y.applyUpdate(commenter, Y.encodeStateAsUpdate(withComments));
  const ops: Uint8Array[] = [];
  // A fixed-seed generator (32-bit LCG, high bits), so every run makes the same changes.
  let random = 1;
  const next = (n: number) => ((random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0), (random >>> 16) % n);
  const own: string[] = [];
  for (let i = 0; i < commentUpdates; i++) {
    const comments = commenter.getMap<YT.Map<unknown>>('comments');
    const ids = [...comments.keys()];
    const kind = i < 10 ? 0 : next(4);
    ops.push(
      captured(Y, commenter, () => {
        if (kind === 0) {
          const id = `t${i}`;
          addThread(Y, commenter, id, next(Math.max(1, text.length)));
          own.push(id);
        } else if (kind === 1) {
          const thread = comments.get(ids[next(ids.length)]!)!;
          (thread.get('comments') as YT.Array<YT.Map<unknown>>).push([comment(Y, `r${i}`, 'A reply')]);
        } else if (kind === 2) {
          const thread = comments.get(ids[next(ids.length)]!)!;
          thread.set('resolved', !thread.get('resolved'));
        } else {
          const thread = comments.get(own[next(own.length)]!)!;
          (thread.get('comments') as YT.Array<YT.Map<unknown>>).get(0).set('body', `Edited ${i}`);
        }
      }),
    );
  }
  const commentLink = run(Y, rules, guard, withComments, ops, { scope: 'comment', owns: (client) => client === commenter.clientID });
  withComments.destroy();
  return { editPlain, editWithComments, comment: commentLink };
}

/** Timings per update: the fastest of this many runs of each (pure) check. */
const REPEAT = 3;

/** Times the rules (and, for scale, the [M2] decode and the apply) on each update, applying it afterwards. */
function run(Y: typeof YT, rules: RulesModule, guard: GuardModule, doc: YT.Doc, updates: Uint8Array[], writer: Writer): ScopeCostCase {
  const decode = new Float64Array(updates.length);
  const judged = new Float64Array(updates.length);
  const apply = new Float64Array(updates.length);
  let refused = 0;
  updates.forEach((update, i) => {
    // The checks are pure: each is timed REPEAT times and the fastest kept, so a moment the process was not
    // on a core (a shared machine) does not count as the check's cost.
    let decoded: Decoded | null = null;
    let verdict = '';
    decode[i] = judged[i] = Infinity;
    for (let r = 0; r < REPEAT; r++) {
      const t0 = performance.now();
      const checked = guard.decodeCheckedUpdate(update);
      const t1 = performance.now();
      if (!('decoded' in checked)) throw new Error(`[M2] refused a trace update: ${checked.refused}`);
      decoded = checked.decoded;
      verdict = rules.checkCommentRules(doc, decoded, writer).kind;
      const t2 = performance.now();
      decode[i] = Math.min(decode[i]!, (t1 - t0) * 1000);
      judged[i] = Math.min(judged[i]!, (t2 - t1) * 1000);
    }
    if (verdict === 'refuse') refused++;
    const t3 = performance.now();
    Y.applyUpdate(doc, update);
    apply[i] = (performance.now() - t3) * 1000;
  });
  return { updates: updates.length, rules: cost(judged), decode: cost(decode), apply: cost(apply), refused };
}

function cost(samples: Float64Array): Cost {
  const sorted = Float64Array.from(samples).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { mean, p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** A server-side document as a room holds it with history on (deleted content kept). */
function serverDoc(Y: typeof YT, updates: Uint8Array[]): YT.Doc {
  const doc = new Y.Doc({ gc: false });
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function captured(Y: typeof YT, doc: YT.Doc, change: () => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const listen = (update: Uint8Array) => updates.push(update);
  doc.on('update', listen);
  change();
  doc.off('update', listen);
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

function comment(Y: typeof YT, id: string, body: string): YT.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', id);
  map.set('author', 'Bench');
  map.set('body', body);
  map.set('createdAt', Date.now());
  return map;
}

/** A thread in the contract's shape, anchored at `at` in the first paragraph's text. */
function addThread(Y: typeof YT, doc: YT.Doc, id: string, at: number): void {
  const text = (doc.getXmlFragment('default').get(0) as YT.XmlElement).get(0) as YT.XmlText;
  const from = Math.min(at, text.length);
  const to = Math.min(from + 10, text.length);
  doc.transact(() => {
    const thread = new Y.Map<unknown>();
    thread.set('quote', text.toString().slice(from, to));
    thread.set('from', Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, from)));
    thread.set('to', Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, to, -1)));
    thread.set('resolved', false);
    const list = new Y.Array<YT.Map<unknown>>();
    list.push([comment(Y, `${id}-1`, 'A first comment')]);
    thread.set('comments', list);
    doc.getMap('comments').set(id, thread);
  });
}
