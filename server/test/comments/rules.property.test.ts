/**
 * [CM1–CM4] Property tests of the comment rules against Yjs itself: random documents written by an editor,
 * random threads, replies, resolutions and edits by two commenters (at once, offline in batches, and as sync
 * step2s answering stale state vectors), and random forbidden changes.
 * - nothing valid is refused (neither an editor's nor a commenter's legal change);
 * - nothing forbidden is accepted, and nothing outside `comments` ever changes through a comment writer;
 * - whatever is accepted leaves `comments` in the contract's shape;
 * - crafted updates (a commenter's real update with its structs' origins, parents, keys, clients and delete
 *   ranges rewired at random) that the rules accept change nothing outside `comments` and keep the shape,
 *   when Yjs really applies them.
 */
import fc from 'fast-check';
import { COMMENTS_MAP, COMMENT_LIMITS, CONTENT_FRAGMENT, titleText } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeCheckedUpdate } from '../../src/rooms/update-guard.js';
import {
  addParagraph,
  addThread,
  captureUpdate,
  commentMap,
  commenter,
  commentsOf,
  editor,
  encodeStructs,
  judge,
  outsideComments,
  shapeProblems,
  structsOf,
  sync,
  threadOf,
} from './support.js';

type Who = 'editor' | 'bob' | 'carol' | 'dave';
const EDITORS = ['editor', 'bob'] as const;
const COMMENTERS = ['carol', 'dave'] as const;

/** A change someone may make. */
type Legal =
  | { kind: 'type'; para: number; at: number; text: string }
  | { kind: 'erase'; para: number; at: number; len: number }
  | { kind: 'paragraph'; text: string }
  | { kind: 'dropParagraph'; para: number }
  | { kind: 'title'; text: string }
  | { kind: 'format'; para: number; at: number; len: number; bold: boolean }
  | { kind: 'thread'; at: number; len: number; body: string }
  | { kind: 'reply'; pick: number; body: string }
  | { kind: 'resolve'; pick: number }
  | { kind: 'editComment'; pick: number; body: string }
  | { kind: 'deleteComment'; pick: number }
  | { kind: 'deleteThread'; pick: number };

/** A change a commenter may not make (the shape ones are forbidden to editors too). */
type Forbidden = { kind: 'forbidden'; what: (typeof FORBIDDEN)[number]; pick: number };
const FORBIDDEN = ['type', 'erase', 'title', 'format', 'editOthers', 'deleteOthers', 'deleteOthersThread', 'junk', 'nested', 'oversize'] as const;
const SHAPE_ONLY = new Set<Forbidden['what']>(['junk', 'nested', 'oversize']);

type Step =
  | { who: Who; op: Legal | Forbidden }
  | { who: 'carol' | 'dave'; op: { kind: 'staleStep2'; pick: number } }
  | { who: 'carol' | 'dave'; op: { kind: 'offline'; ops: Legal[] } }
  | { who: 'concurrent'; op: { first: Who; second: Who; a: Legal; b: Legal } };

const word = fc.stringMatching(/^[a-z ]{1,6}$/);
const pick = fc.nat(20);
const textOps: fc.Arbitrary<Legal>[] = [
  fc.record({ kind: fc.constant('type' as const), para: pick, at: pick, text: word }),
  fc.record({ kind: fc.constant('erase' as const), para: pick, at: pick, len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('paragraph' as const), text: word }),
  fc.record({ kind: fc.constant('dropParagraph' as const), para: pick }),
  fc.record({ kind: fc.constant('title' as const), text: word }),
  fc.record({ kind: fc.constant('format' as const), para: pick, at: pick, len: fc.integer({ min: 1, max: 6 }), bold: fc.boolean() }),
];
const commentOps = (withDeletes: boolean): fc.Arbitrary<Legal>[] => [
  fc.record({ kind: fc.constant('thread' as const), at: pick, len: fc.nat(6), body: word }),
  fc.record({ kind: fc.constant('reply' as const), pick, body: word }),
  fc.record({ kind: fc.constant('resolve' as const), pick }),
  fc.record({ kind: fc.constant('editComment' as const), pick, body: word }),
  ...(withDeletes
    ? [fc.record({ kind: fc.constant('deleteComment' as const), pick }), fc.record({ kind: fc.constant('deleteThread' as const), pick })]
    : []),
];
const commenterName = fc.constantFrom(...COMMENTERS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ who: fc.constantFrom(...EDITORS), op: fc.oneof(...textOps, ...commentOps(true)) }) },
  { weight: 6, arbitrary: fc.record({ who: commenterName, op: fc.oneof(...commentOps(true)) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      who: fc.constantFrom<Who>(...EDITORS, ...COMMENTERS),
      op: fc.record({ kind: fc.constant('forbidden' as const), what: fc.constantFrom(...FORBIDDEN), pick }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ who: commenterName, op: fc.record({ kind: fc.constant('staleStep2' as const), pick }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ who: commenterName, op: fc.record({ kind: fc.constant('offline' as const), ops: fc.array(fc.oneof(...commentOps(false)), { minLength: 1, maxLength: 4 }) }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      who: fc.constant('concurrent' as const),
      op: fc.record({
        first: fc.constantFrom<Who>(...EDITORS, ...COMMENTERS),
        second: fc.constantFrom<Who>(...EDITORS, ...COMMENTERS),
        // Editors at once also type, delete and format the same text: the pages watching run Yjs's cleanup.
        a: fc.oneof(...commentOps(false), ...textOps),
        b: fc.oneof(...commentOps(false), ...textOps),
      }),
    }),
  },
);

/** The server's document and its three writers, as in a room with the rules on every update. */
class World {
  readonly server = new Y.Doc({ gc: false });
  readonly docs = new Map<Who, Y.Doc>();
  readonly vectors: Uint8Array[] = [];
  /** Changes a page's own Yjs made in reaction to what it received (formatting cleanup), waiting to be sent. */
  private readonly reactions: [Who, Y.Doc, Uint8Array][] = [];
  private making = false;

  constructor() {
    const seed = new Y.Doc();
    addParagraph(seed, 'Hello brave new world');
    titleText(seed).insert(0, 'Start');
    sync(seed, this.server);
    for (const who of [...EDITORS, ...COMMENTERS] as const) this.reset(who);
  }

  /** A fresh copy of the server's document (a reconnect with a new page: a new client id). */
  reset(who: Who): void {
    const doc = new Y.Doc();
    sync(this.server, doc);
    // Every page reads the text through its types, as an editor's binding does (so Yjs's cleanup runs).
    doc.getXmlFragment(CONTENT_FRAGMENT).createTreeWalker(() => true).next();
    titleText(doc);
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === null && !this.making) this.reactions.push([who, doc, update]);
    });
    this.docs.set(who, doc);
  }

  /** A change `who` makes on purpose (not a reaction of its Yjs). */
  private make(who: Who, change: () => void): Uint8Array {
    this.making = true;
    try {
      return captureUpdate(this.doc(who), change);
    } finally {
      this.making = false;
    }
  }

  /** Sends what pages' Yjs did in reaction (they are legal changes: never refused). */
  private flushReactions(): void {
    for (let next = this.reactions.shift(); next; next = this.reactions.shift()) {
      const [who, doc, update] = next;
      // A page reset since (its update was refused) no longer sends what its old copy did.
      if (this.doc(who) === doc) this.deliver(who, update, true, 'reaction of its Yjs');
    }
  }

  doc(who: Who): Y.Doc {
    return this.docs.get(who)!;
  }

  writer(who: Who) {
    return who === 'editor' || who === 'bob' ? editor : commenter(this.doc(who));
  }

  /** Sends an update through the rules; applies and relays it if allowed, else resets its writer. */
  deliver(who: Who, update: Uint8Array, expectAllowed: boolean, what: string): void {
    const before = outsideComments(this.server);
    const verdict = judge(this.server, update, this.writer(who));
    if (expectAllowed) expect(verdict, `${who} ${what}`).toEqual({ kind: 'allow' });
    else expect(verdict.kind, `${who} ${what}`).toBe('refuse');
    if (verdict.kind === 'refuse') return this.reset(who);
    this.vectors.push(Y.encodeStateVector(this.server));
    Y.applyUpdate(this.server, update);
    if (this.writer(who) !== editor) expect(outsideComments(this.server), `${who} ${what} changed only comments`).toBe(before);
    expect(shapeProblems(this.server)).toEqual([]);
    for (const other of this.docs.keys()) if (other !== who) sync(this.server, this.doc(other));
  }

  /** Makes a legal change on `who`'s document (false when there is nothing to make it on). */
  perform(who: Who, op: Legal): boolean {
    const doc = this.doc(who);
    const own = (item: Y.Item | null) => this.writer(who) === editor || item?.id.client === doc.clientID;
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    const paragraphs = fragment.toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement);
    const textOf = (para: number) => {
      const p = paragraphs[para % Math.max(paragraphs.length, 1)];
      const t = p?.get(0);
      return t instanceof Y.XmlText ? t : null;
    };
    const threads = [...doc.getMap<Y.Map<unknown>>(COMMENTS_MAP).entries()];
    const comments = threads.flatMap(([id]) => commentsOf(doc, id).toArray().map((c) => ({ thread: id, c })));
    switch (op.kind) {
      case 'type': {
        const t = textOf(op.para);
        if (!t) return false;
        t.insert(op.at % (t.length + 1), op.text);
        return true;
      }
      case 'erase': {
        const t = textOf(op.para);
        if (!t || t.length === 0) return false;
        const at = op.at % t.length;
        t.delete(at, Math.min(op.len, t.length - at));
        return true;
      }
      case 'paragraph':
        addParagraph(doc, op.text);
        return true;
      case 'dropParagraph':
        if (paragraphs.length < 2) return false;
        fragment.delete(op.para % fragment.length, 1);
        return true;
      case 'title':
        titleText(doc).insert(0, op.text);
        return true;
      case 'format': {
        const t = textOf(op.para);
        if (!t || t.length === 0) return false;
        const at = op.at % t.length;
        t.format(at, Math.min(op.len, t.length - at), { bold: op.bold ? true : null });
        return true;
      }
      case 'thread': {
        const t = textOf(op.at);
        const from = t ? Y.createRelativePositionFromTypeIndex(t, op.at % (t.length + 1)) : Y.createRelativePositionFromTypeIndex(fragment, 0);
        const to = t ? Y.createRelativePositionFromTypeIndex(t, Math.min(t.length, (op.at % (t.length + 1)) + op.len), -1) : from;
        const id = `t${Math.random().toString(36).slice(2, 10)}`;
        addThread(doc, id, { id: `c${id}`, author: who, body: op.body }, { from: Y.encodeRelativePosition(from), to: Y.encodeRelativePosition(to) });
        return true;
      }
      case 'reply': {
        const thread = threads[op.pick % Math.max(threads.length, 1)];
        if (!thread) return false;
        commentsOf(doc, thread[0]).push([commentMap({ id: `r${op.pick}`, author: who, body: op.body })]);
        return true;
      }
      case 'resolve': {
        const thread = threads[op.pick % Math.max(threads.length, 1)];
        if (!thread) return false;
        thread[1].set('resolved', !thread[1].get('resolved'));
        return true;
      }
      case 'editComment': {
        const mine = comments.filter(({ c }) => own(c._item));
        const target = mine[op.pick % Math.max(mine.length, 1)];
        if (!target) return false;
        target.c.set('body', op.body);
        return true;
      }
      case 'deleteComment': {
        const mine = comments.filter(({ c }) => own(c._item));
        const target = mine[op.pick % Math.max(mine.length, 1)];
        if (!target) return false;
        const list = commentsOf(doc, target.thread);
        list.delete(list.toArray().indexOf(target.c), 1);
        return true;
      }
      case 'deleteThread': {
        const deletable = threads.filter(([id, map]) => own(map._item) && commentsOf(doc, id).toArray().every((c) => own(c._item)));
        const target = deletable[op.pick % Math.max(deletable.length, 1)];
        if (!target) return false;
        doc.getMap(COMMENTS_MAP).delete(target[0]);
        return true;
      }
    }
  }

  /** Makes a forbidden change (false when there is nothing to make it on). */
  performForbidden(who: Who, op: Forbidden): boolean {
    const doc = this.doc(who);
    const own = (item: Y.Item | null) => item?.id.client === doc.clientID;
    const threads = [...doc.getMap<Y.Map<unknown>>(COMMENTS_MAP).entries()];
    const others = threads.flatMap(([id]) => commentsOf(doc, id).toArray().filter((c) => !own(c._item)).map((c) => ({ thread: id, c })));
    const target = others[op.pick % Math.max(others.length, 1)];
    const paragraph = doc.getXmlFragment(CONTENT_FRAGMENT).get(0);
    const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
    switch (op.what) {
      case 'type':
        if (!(text instanceof Y.XmlText)) return false;
        text.insert(0, 'x');
        return true;
      case 'erase':
        if (!(text instanceof Y.XmlText) || text.length === 0) return false;
        text.delete(0, 1);
        return true;
      case 'format': {
        if (!(text instanceof Y.XmlText) || text.length === 0) return false;
        // Bolding what an editor made bold already writes nothing at all: flip the mark instead.
        const bold = (text.toDelta() as { attributes?: { bold?: unknown } }[])[0]?.attributes?.bold;
        text.format(0, 1, { bold: bold ? null : true });
        return true;
      }
      case 'title':
        titleText(doc).insert(0, 'x');
        return true;
      case 'editOthers':
        if (!target) return false;
        target.c.set('body', 'forged');
        return true;
      case 'deleteOthers': {
        if (!target) return false;
        const list = commentsOf(doc, target.thread);
        list.delete(list.toArray().indexOf(target.c), 1);
        return true;
      }
      case 'deleteOthersThread': {
        const foreign = threads.filter(([id, map]) => !own(map._item) || commentsOf(doc, id).toArray().some((c) => !own(c._item)));
        const victim = foreign[op.pick % Math.max(foreign.length, 1)];
        if (!victim) return false;
        doc.getMap(COMMENTS_MAP).delete(victim[0]);
        return true;
      }
      case 'junk':
        doc.getMap(COMMENTS_MAP).set(`j${op.pick}`, 'kept');
        return true;
      case 'nested': {
        const mine = threads.flatMap(([id]) => commentsOf(doc, id).toArray()).filter((c) => this.writer(who) === editor || own(c._item));
        const c = mine[op.pick % Math.max(mine.length, 1)];
        if (!c) return false;
        c.set('body', new Y.Text('nested'));
        return true;
      }
      case 'oversize': {
        const thread = threads[op.pick % Math.max(threads.length, 1)];
        if (!thread) return false;
        commentsOf(doc, thread[0]).push([commentMap({ id: 'big', author: who, body: 'b'.repeat(COMMENT_LIMITS.maxBodyLength + 1) })]);
        return true;
      }
    }
  }

  run(s: Step): void {
    this.step(s);
    this.flushReactions();
  }

  private step(s: Step): void {
    if (s.who === 'concurrent') {
      const { first, second, a, b } = s.op;
      if (first === second) return;
      // Both change their own copy before either hears of the other's change.
      // Text changes only from editors: a commenter given one makes none.
      const textKinds = new Set(['type', 'erase', 'paragraph', 'dropParagraph', 'title', 'format']);
      const may = (who: Who, op: Legal) => this.writer(who) === editor || !textKinds.has(op.kind);
      const ua = this.make(first, () => may(first, a) && this.perform(first, a));
      const ub = this.make(second, () => may(second, b) && this.perform(second, b));
      if (ua.byteLength > 2) this.deliver(first, ua, true, `${a.kind} (concurrent)`);
      if (ub.byteLength > 2) this.deliver(second, ub, true, `${b.kind} (concurrent)`);
      return;
    }
    const { who, op } = s;
    if (op.kind === 'staleStep2') {
      const vector = this.vectors[op.pick % Math.max(this.vectors.length, 1)] ?? new Uint8Array([0]);
      return this.deliver(who, Y.encodeStateAsUpdate(this.doc(who), vector), true, 'stale step2');
    }
    if (op.kind === 'offline') {
      const doc = this.doc(who);
      const vector = Y.encodeStateVector(this.server);
      let changed = false;
      this.make(who, () => {
        for (const o of op.ops) changed = this.perform(who, o) || changed;
      });
      if (changed) this.deliver(who, Y.encodeStateAsUpdate(doc, vector), true, 'offline batch');
      return;
    }
    if (op.kind === 'forbidden') {
      // An editor may do all of these but the misshapen ones.
      if (this.writer(who) === editor && !SHAPE_ONLY.has(op.what)) return;
      let made = false;
      const update = this.make(who, () => (made = this.performForbidden(who, op)));
      if (made) this.deliver(who, update, false, `forbidden ${op.what}`);
      return;
    }
    let made = false;
    const update = this.make(who, () => (made = this.perform(who, op)));
    if (made) this.deliver(who, update, true, op.kind);
  }
}

describe('[CM1–CM4] the comment rules against Yjs', () => {
  it('nothing valid is refused, nothing forbidden accepted, nothing outside comments changes through a commenter', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const world = new World();
        for (const s of steps) world.run(s);
      }),
      { numRuns: 150 },
    );
  });

  it('crafted updates the rules accept change only comments and keep their shape when Yjs applies them', () => {
    const mutation = fc.record({
      struct: fc.nat(),
      field: fc.constantFrom('origin', 'rightOrigin', 'parent', 'parentSub', 'client', 'deletes', 'drop'),
      target: fc.nat(),
      sub: fc.constantFrom<string | null>(null, 'quote', 'body', 'resolved', 'comments', 'evil'),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (steps, mutations) => {
        const world = new World();
        for (const s of steps) world.run(s);
        const carol = world.doc('carol');
        // A real update of Carol's: a thread and a reply to the first thread there is.
        const update = captureUpdate(carol, () => {
          addThread(carol, 'mut', { id: 'm1', author: 'Carol', body: 'base' });
          const first = [...carol.getMap(COMMENTS_MAP).keys()][0]!;
          commentsOf(carol, first).push([commentMap({ id: 'm2', author: 'Carol', body: 'reply' })]);
          threadOf(carol, first).set('resolved', true);
        });
        const structs = structsOf(update);
        const ids = everyId(world.server, structs);
        const deletes: [number, number, number][] = [];
        for (const m of mutations) {
          const struct = structs[m.struct % structs.length];
          if (!(struct instanceof Y.Item)) continue;
          const id = ids[m.target % ids.length]!;
          switch (m.field) {
            case 'origin':
              struct.origin = id;
              break;
            case 'rightOrigin':
              struct.rightOrigin = id;
              break;
            case 'parent':
              struct.origin = null;
              struct.rightOrigin = null;
              struct.parent = (m.target % 3 === 0 ? [COMMENTS_MAP, CONTENT_FRAGMENT, 'title'][Math.floor((m.target % 9) / 3)] : id) as unknown as Y.AbstractType<unknown>;
              struct.parentSub = m.sub;
              break;
            case 'parentSub':
              if (struct.origin === null && struct.rightOrigin === null) struct.parentSub = m.sub;
              break;
            case 'client':
              struct.id = Y.createID(id.client, struct.id.clock);
              break;
            case 'deletes':
              deletes.push([id.client, id.clock, 1 + (m.target % 3)]);
              break;
            case 'drop':
              structs.splice(structs.indexOf(struct), 1);
              break;
          }
        }
        if (structs.length === 0 && deletes.length === 0) return;
        let crafted: Uint8Array;
        try {
          crafted = encodeStructs(structs, deletes);
        } catch {
          return; // not even encodable
        }
        if ('refused' in decodeCheckedUpdate(crafted)) return; // [M2] refuses it before the rules see it
        const verdict = judge(world.server, crafted, commenter(carol));
        if (verdict.kind === 'refuse') return;
        const copy = new Y.Doc({ gc: false });
        sync(world.server, copy);
        const before = outsideComments(copy);
        Y.applyUpdate(copy, crafted);
        expect(outsideComments(copy)).toBe(before);
        expect(shapeProblems(copy)).toEqual([]);
        expect(copy.store.pendingStructs).toBeNull();
        expect(copy.store.pendingDs).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

/** Some ids to point at: every struct's first and last clock, in the document and in the update. */
function everyId(doc: Y.Doc, structs: (Y.Item | Y.GC)[]): Y.ID[] {
  const ids: Y.ID[] = [];
  const add = (s: Y.AbstractStruct) => {
    ids.push(s.id, Y.createID(s.id.client, s.id.clock + s.length - 1));
  };
  for (const list of doc.store.clients.values()) list.forEach(add);
  structs.forEach(add);
  return ids;
}
