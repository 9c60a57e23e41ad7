/**
 * [CM3] What anyone puts under `comments` has the contract's shape — every case of it — whatever the link's
 * scope; sizes within the bounds.
 */
import { COMMENTS_MAP, COMMENT_LIMITS } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import type { CommentLimits } from '../../src/comments/shape.js';
import * as Y from 'yjs';
import {
  addParagraph,
  addThread,
  anchors,
  captureUpdate,
  commentMap,
  commenter,
  commentsOf,
  editor,
  judge,
  reply,
  sync,
  threadOf,
} from './support.js';

const allowed = { kind: 'allow' };
const misshapen = { kind: 'refuse', reason: 'shape' };

function setup() {
  const server = new Y.Doc({ gc: false });
  const alice = new Y.Doc();
  addParagraph(alice, 'Some text to comment on');
  sync(alice, server);
  /** Judges a change made on a fresh copy of the server's document, as an edit writer; applies it if allowed. */
  const edit = (change: (doc: Y.Doc) => void, limits: CommentLimits = COMMENT_LIMITS) => {
    const doc = new Y.Doc();
    sync(server, doc);
    const update = captureUpdate(doc, () => change(doc));
    const verdict = judge(server, update, editor, limits);
    if (verdict.kind === 'allow') Y.applyUpdate(server, update);
    return verdict;
  };
  return { server, edit };
}

/** A thread map with the given fields only (all five unless some are left out or replaced). */
function thread(doc: Y.Doc, fields: Record<string, unknown> = {}, omit: string[] = []): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  const { from, to } = anchors(doc, 0, 4);
  const comments = new Y.Array<Y.Map<unknown>>();
  comments.push([commentMap({ id: 'c1', author: 'A', body: 'b' })]);
  const all: Record<string, unknown> = { quote: 'Some', from, to, resolved: false, comments, ...fields };
  for (const [key, value] of Object.entries(all)) if (!omit.includes(key)) map.set(key, value);
  return map;
}

/** A comment map with the given fields (all four unless some are left out or replaced). */
function comment(fields: Record<string, unknown> = {}, omit: string[] = []): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  const all: Record<string, unknown> = { id: 'c9', author: 'A', body: 'text', createdAt: 1_700_000_000_000, ...fields };
  for (const [key, value] of Object.entries(all)) if (!omit.includes(key)) map.set(key, value);
  return map;
}

const put = (doc: Y.Doc, key: string, value: unknown) => doc.getMap(COMMENTS_MAP).set(key, value);

describe('[CM3] thread entries', () => {
  it('a complete thread is accepted from an edit and from a comment writer', () => {
    const { server, edit } = setup();
    expect(edit((d) => put(d, 't1', thread(d)))).toEqual(allowed);
    const carol = new Y.Doc();
    sync(server, carol);
    const update = captureUpdate(carol, () => addThread(carol, 't2', { id: 'c1', author: 'Carol', body: 'hi' }));
    expect(judge(server, update, commenter(carol))).toEqual(allowed);
  });

  it.each([
    ['a string', () => 'kept'],
    ['a number', () => 42],
    ['a Y.Array', () => new Y.Array()],
    ['a Y.Text', () => new Y.Text('x')],
    ['a Y.XmlHook (a Y.Map subclass)', () => new Y.XmlHook('hook')],
    ['binary', () => new Uint8Array([1])],
  ])('an entry that is %s instead of a Y.Map is refused', (_what, value) => {
    const { edit } = setup();
    expect(edit((d) => put(d, 't1', value()))).toMatchObject(misshapen);
  });

  it('a thread id must be 1 to 64 characters', () => {
    const { edit } = setup();
    expect(edit((d) => put(d, '', thread(d)))).toMatchObject(misshapen);
    expect(edit((d) => put(d, 'x'.repeat(65), thread(d)))).toMatchObject(misshapen);
    expect(edit((d) => put(d, 'x'.repeat(64), thread(d)))).toEqual(allowed);
  });

  it('the root holds no list items', () => {
    const { edit } = setup();
    expect(edit((d) => d.getArray(COMMENTS_MAP).push(['x']))).toMatchObject(misshapen);
  });

  it.each(['quote', 'from', 'to', 'resolved', 'comments'])('a new thread without %s is refused', (field) => {
    const { edit } = setup();
    expect(edit((d) => put(d, 't1', thread(d, {}, [field])))).toMatchObject(misshapen);
  });

  it.each([
    ['quote as a number', { quote: 7 }],
    ['a quote over the limit', { quote: 'q'.repeat(COMMENT_LIMITS.maxQuoteLength + 1) }],
    ['from as a string', { from: 'position' }],
    ['to as an array', { to: [1, 2, 3] }],
    ['a position over the limit', { from: new Uint8Array(COMMENT_LIMITS.maxPositionBytes + 1) }],
    ['resolved as a string', { resolved: 'yes' }],
    ['comments as a Y.Map', { comments: new Y.Map() }],
    ['comments as a plain array', { comments: [] }],
    ['an extra field', { evil: 'x' }],
    ['an extra nested type', { extra: new Y.Map() }],
  ])('a thread with %s is refused', (_what, fields) => {
    const { edit } = setup();
    expect(edit((d) => put(d, 't1', thread(d, fields)))).toMatchObject(misshapen);
  });

  it('a field of an existing thread may be replaced, not removed or retyped', () => {
    const { server, edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    expect(edit((d) => threadOf(d, 't1').delete('quote'))).toMatchObject(misshapen);
    expect(edit((d) => threadOf(d, 't1').delete('comments'))).toMatchObject(misshapen);
    expect(edit((d) => threadOf(d, 't1').set('resolved', 'no'))).toMatchObject(misshapen);
    expect(edit((d) => threadOf(d, 't1').set('comments', new Y.Text()))).toMatchObject(misshapen);
    expect(edit((d) => threadOf(d, 't1').set('quote', 'Some text'))).toEqual(allowed);
    expect(edit((d) => threadOf(d, 't1').set('resolved', true))).toEqual(allowed);
    // Set twice in one change: the last value counts; the first one is deleted with it.
    expect(edit((d) => d.transact(() => [1, 2].forEach((n) => threadOf(d, 't1').set('quote', `v${n}`))))).toEqual(allowed);
    expect(threadOf(server, 't1').get('quote')).toBe('v2');
  });

  it('whole threads may be deleted', () => {
    const { server, edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    expect(edit((d) => d.getMap(COMMENTS_MAP).delete('t1'))).toEqual(allowed);
    expect(server.getMap(COMMENTS_MAP).size).toBe(0);
  });

  it('misshapen entries from before do not block anything else, and may be deleted', () => {
    const { server, edit } = setup();
    // Written before the rules existed (straight into the document).
    Y.applyUpdate(server, captureUpdate(server, () => put(server, 'old', 'kept')));
    expect(edit((d) => put(d, 't1', thread(d)))).toEqual(allowed);
    expect(edit((d) => d.getMap(COMMENTS_MAP).delete('old'))).toEqual(allowed);
  });
});

describe('[CM3] comments in a thread', () => {
  it.each([
    ['a string', () => 'just text'],
    ['a Y.Array', () => new Y.Array()],
    ['a Y.XmlHook', () => new Y.XmlHook('c')],
  ])('a comment that is %s is refused', (_what, value) => {
    const { edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    expect(edit((d) => commentsOf(d, 't1').push([value() as Y.Map<unknown>]))).toMatchObject(misshapen);
  });

  it.each(['id', 'author', 'body', 'createdAt'])('a comment without %s is refused', (field) => {
    const { edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    expect(edit((d) => commentsOf(d, 't1').push([comment({}, [field])]))).toMatchObject(misshapen);
  });

  it.each([
    ['an empty id', { id: '' }],
    ['an id over the limit', { id: 'i'.repeat(COMMENT_LIMITS.maxIdLength + 1) }],
    ['an author over the limit', { author: 'a'.repeat(COMMENT_LIMITS.maxAuthorLength + 1) }],
    ['an oversize body', { body: 'b'.repeat(COMMENT_LIMITS.maxBodyLength + 1) }],
    ['a body as a number', { body: 5 }],
    ['createdAt as an ISO string', { createdAt: '2024-01-01T00:00:00Z' }],
    ['createdAt not finite', { createdAt: Number.POSITIVE_INFINITY }],
    ['a body that is a Y.Text (a type nested in a comment)', { body: new Y.Text('rich') }],
    ['a nested Y.Map', { replies: new Y.Map() }],
    ['an extra field', { likes: 3 }],
  ])('a comment with %s is refused', (_what, fields) => {
    const { edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    expect(edit((d) => commentsOf(d, 't1').push([comment(fields)]))).toMatchObject(misshapen);
  });

  it('a body of exactly the limit is accepted; editing it past the limit is not', () => {
    const { edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    expect(edit((d) => commentsOf(d, 't1').push([comment({ body: 'b'.repeat(COMMENT_LIMITS.maxBodyLength) })]))).toEqual(allowed);
    expect(edit((d) => commentsOf(d, 't1').get(1).set('body', 'b'.repeat(COMMENT_LIMITS.maxBodyLength + 1)))).toMatchObject(misshapen);
    expect(edit((d) => commentsOf(d, 't1').get(1).delete('body'))).toMatchObject(misshapen);
    expect(edit((d) => commentsOf(d, 't1').get(1).set('body', 'short'))).toEqual(allowed);
  });

  it('nothing goes below a comment’s fields, even under an entry from before', () => {
    const { server, edit } = setup();
    edit((d) => put(d, 't1', thread(d)));
    // A nested map written before the rules existed: writing into it is still refused.
    Y.applyUpdate(server, captureUpdate(server, () => commentsOf(server, 't1').get(0).set('nested', new Y.Map())));
    const nested = () => (commentsOf as (d: Y.Doc, t: string) => Y.Array<Y.Map<unknown>>)(server, 't1').get(0).get('nested');
    expect(nested()).toBeInstanceOf(Y.Map);
    expect(edit((d) => (commentsOf(d, 't1').get(0).get('nested') as Y.Map<unknown>).set('x', 1))).toMatchObject(misshapen);
  });

  it('a thread holds at most maxCommentsPerThread comments; a document at most maxThreadsPerDoc threads', () => {
    const { edit } = setup();
    const limits = { ...COMMENT_LIMITS, maxCommentsPerThread: 3, maxThreadsPerDoc: 2 };
    expect(edit((d) => put(d, 't1', thread(d)), limits)).toEqual(allowed);
    expect(edit((d) => reply(d, 't1', { id: 'c2', author: 'B', body: 'two' }), limits)).toEqual(allowed);
    expect(edit((d) => reply(d, 't1', { id: 'c3', author: 'B', body: 'three' }), limits)).toEqual(allowed);
    expect(edit((d) => reply(d, 't1', { id: 'c4', author: 'B', body: 'four' }), limits)).toMatchObject(misshapen);
    // Deleting one makes room, in the same change.
    expect(edit((d) => d.transact(() => {
      commentsOf(d, 't1').delete(0, 1);
      reply(d, 't1', { id: 'c4', author: 'B', body: 'four' });
    }), limits)).toEqual(allowed);
    expect(edit((d) => put(d, 't2', thread(d)), limits)).toEqual(allowed);
    expect(edit((d) => put(d, 't3', thread(d)), limits)).toMatchObject(misshapen);
    expect(edit((d) => d.transact(() => {
      d.getMap(COMMENTS_MAP).delete('t1');
      put(d, 't3', thread(d));
    }), limits)).toEqual(allowed);
  });
});

describe('[CM3] updates as clients really send them', () => {
  it('a step2 carrying a thread made and deleted while offline (collected to ContentDeleted) is accepted', () => {
    const { server } = setup();
    const carol = new Y.Doc(); // gc on, as in browsers
    sync(server, carol);
    const base = Y.encodeStateVector(server);
    addThread(carol, 'gone', { id: 'c1', author: 'Carol', body: 'never mind' });
    carol.getMap(COMMENTS_MAP).delete('gone');
    addThread(carol, 'kept', { id: 'c2', author: 'Carol', body: 'this one' });
    commentsOf(carol, 'kept').get(0).set('body', 'this one, edited');
    const step2 = Y.encodeStateAsUpdate(carol, base);
    expect(Y.decodeUpdate(step2).structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentDeleted)).toBe(true);
    expect(judge(server, step2, commenter(carol))).toEqual(allowed);
    expect(judge(server, step2, editor)).toEqual(allowed);
  });

  it('held-back changes are judged when an update would let them in', () => {
    const { server } = setup();
    const bob = new Y.Doc();
    sync(server, bob);
    const first = captureUpdate(bob, () => put(bob, 't1', thread(bob)));
    // Two later changes by others who already have Bob's thread: one misshapen, one fine.
    const [mallory, carol] = [new Y.Doc(), new Y.Doc()];
    sync(bob, mallory);
    sync(bob, carol);
    const bad = captureUpdate(mallory, () => threadOf(mallory, 't1').set('quote', 99));
    const good = captureUpdate(carol, () => threadOf(carol, 't1').set('quote', 'fine'));
    for (const later of [bad, good]) {
      // It arrives before Bob's thread: Yjs holds it back, waiting for it.
      const held = new Y.Doc({ gc: false });
      sync(server, held);
      Y.applyUpdate(held, later);
      expect(held.store.pendingStructs).not.toBeNull();
      // Bob's thread alone is fine; what it would let in is judged with it.
      expect(judge(held, first, editor)).toEqual(allowed);
      const verdict = judge(held, first, editor, undefined, [later]);
      if (later === bad) expect(verdict).toMatchObject({ kind: 'allow-without-held-back' });
      else expect(verdict).toEqual(allowed);
    }
  });
});
