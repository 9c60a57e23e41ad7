import { COMMENTS_MAP, COMMENT_FIELDS, THREAD_FIELDS } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canComment, isOwnComment, mayDropThread } from './commentRights';
import {
  MAX_QUOTE,
  addReply,
  createThread,
  deleteComment,
  editComment,
  newCommentId,
  quoteOf,
  readThreads,
  setResolved,
} from './comments';

const anchor = () => ({ from: new Uint8Array([1, 2, 3]), to: new Uint8Array([4, 5, 6]) });

/** Records every update a document emits, and applies them to a second document (a peer). */
function withPeer(clientID = 7) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const peer = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => {
    updates.push(u);
    Y.applyUpdate(peer, u);
  });
  return { doc, peer, updates };
}

describe('comments model', () => {
  it('creates a thread in one update with exactly the contract’s fields, which a peer reads back', () => {
    const { doc, peer, updates } = withPeer();
    const id = createThread(doc, { ...anchor(), quote: 'the  passage\n', author: 'Alice', body: 'Why?', now: 1000 });
    expect(updates).toHaveLength(1);

    const thread = peer.getMap(COMMENTS_MAP).get(id) as Y.Map<unknown>;
    expect([...thread.keys()].sort()).toEqual([...THREAD_FIELDS].sort());
    expect(thread.get('quote')).toBe('the passage');
    expect(thread.get('resolved')).toBe(false);
    expect(thread.get('from')).toEqual(new Uint8Array([1, 2, 3]));
    const list = thread.get('comments') as Y.Array<Y.Map<unknown>>;
    expect(list).toBeInstanceOf(Y.Array);
    const comment = list.get(0);
    expect([...comment.keys()].sort()).toEqual([...COMMENT_FIELDS].sort());
    expect(comment.toJSON()).toMatchObject({ author: 'Alice', body: 'Why?', createdAt: 1000 });

    expect(readThreads(peer)).toEqual([
      {
        id,
        quote: 'the passage',
        from: new Uint8Array([1, 2, 3]),
        to: new Uint8Array([4, 5, 6]),
        resolved: false,
        client: 7,
        comments: [{ id: comment.get('id'), author: 'Alice', body: 'Why?', createdAt: 1000, client: 7 }],
      },
    ]);
  });

  it('replies, edits, resolves, reopens and deletes — each one update', () => {
    const { doc, peer, updates } = withPeer();
    const id = createThread(doc, { ...anchor(), quote: 'x', author: 'Alice', body: 'first', now: 1 });
    expect(addReply(doc, id, { author: 'Bob', body: 'second', now: 2 })).toBe(true);
    const [first, second] = readThreads(peer)[0]!.comments;
    expect(second).toMatchObject({ author: 'Bob', body: 'second' });

    expect(editComment(doc, id, second!.id, 'second, edited')).toBe(true);
    expect(setResolved(doc, id, true)).toBe(true);
    expect(setResolved(doc, id, true)).toBe(false); // nothing to change: nothing sent
    expect(readThreads(peer)[0]).toMatchObject({ resolved: true, comments: [{ body: 'first' }, { body: 'second, edited' }] });
    expect(setResolved(doc, id, false)).toBe(true);

    expect(deleteComment(doc, id, first!.id, true)).toBe(true);
    expect(readThreads(peer)[0]!.comments.map((c) => c.body)).toEqual(['second, edited']);
    expect(updates).toHaveLength(6);
  });

  it('deleting the last comment drops the thread only when asked to', () => {
    const { doc, peer } = withPeer();
    const kept = createThread(doc, { ...anchor(), quote: 'a', author: 'A', body: 'a' });
    const dropped = createThread(doc, { ...anchor(), quote: 'b', author: 'A', body: 'b' });
    deleteComment(doc, kept, readThreads(doc).find((t) => t.id === kept)!.comments[0]!.id, false);
    deleteComment(doc, dropped, readThreads(doc).find((t) => t.id === dropped)!.comments[0]!.id, true);
    expect(readThreads(peer).map((t) => [t.id, t.comments.length])).toEqual([[kept, 0]]);
  });

  it('reads leniently what others may have written, and ignores what is not a thread', () => {
    const doc = new Y.Doc();
    const root = doc.getMap(COMMENTS_MAP);
    root.set('junk', 'not a map');
    const odd = new Y.Map<unknown>();
    root.set('odd', odd);
    odd.set('quote', 42);
    const list = new Y.Array<unknown>();
    odd.set('comments', list);
    list.push(['not a map']);
    expect(readThreads(doc)).toEqual([{ id: 'odd', quote: '', from: null, to: null, resolved: false, comments: [], client: doc.clientID }]);
  });

  it('quotes are flattened and capped; ids are 21 URL-safe characters', () => {
    expect(quoteOf('  a\n\nb  ')).toBe('a b');
    const long = quoteOf('x'.repeat(MAX_QUOTE + 50));
    expect(long).toHaveLength(MAX_QUOTE);
    expect(long.endsWith('…')).toBe(true);
    const ids = new Set(Array.from({ length: 200 }, newCommentId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });
});

describe('comment rights', () => {
  const comment = { id: 'c', author: 'Alice', body: '', createdAt: 0, client: 5 };
  const thread = { id: 't', quote: '', from: null, to: null, resolved: false, comments: [comment], client: 5 };

  it('a view link may not comment; a comment link owns what its own client wrote; an edit link also what its name wrote', () => {
    expect(canComment({ scope: 'view', selfClient: 5, selfName: 'Alice' })).toBe(false);
    expect(isOwnComment(comment, { scope: 'view', selfClient: 5, selfName: 'Alice' })).toBe(false);

    expect(isOwnComment(comment, { scope: 'comment', selfClient: 5, selfName: 'Bob' })).toBe(true);
    // Same name, another session: the server would refuse it (the client id is not this connection's).
    expect(isOwnComment(comment, { scope: 'comment', selfClient: 9, selfName: 'Alice' })).toBe(false);
    expect(mayDropThread(thread, { scope: 'comment', selfClient: 9, selfName: 'Alice' })).toBe(false);

    expect(isOwnComment(comment, { scope: 'edit', selfClient: 9, selfName: 'Alice' })).toBe(true);
    expect(isOwnComment(comment, { scope: 'edit', selfClient: 9, selfName: 'Bob' })).toBe(false);
    expect(mayDropThread(thread, { scope: 'edit', selfClient: 9, selfName: 'Bob' })).toBe(true);
  });
});
