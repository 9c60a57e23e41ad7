/**
 * [CM1][CM2][CM4] The comment scope, judged on real updates from real Y.Docs and on crafted ones: a comment
 * writer changes only what lies under `comments`, only under its own client ids, and only its own entries
 * (besides adding threads, replying and resolving).
 */
import { CONTENT_FRAGMENT, titleText } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addParagraph,
  addThread,
  captureUpdate,
  commenter,
  commentsOf,
  editor,
  encodeStructs,
  firstText,
  judge,
  outsideComments,
  reply,
  structsOf,
  sync,
  threadOf,
} from './support.js';

/** A server document with a paragraph and a title (written by Alice, an editor), and two commenters. */
function setup() {
  const server = new Y.Doc({ gc: false });
  const alice = new Y.Doc();
  addParagraph(alice, 'The quick brown fox');
  titleText(alice).insert(0, 'Title');
  sync(alice, server);
  const carol = new Y.Doc();
  const dave = new Y.Doc();
  sync(server, carol);
  sync(server, dave);
  /** Sends `doc`'s change through the rules; applies it to the server (and the others) when allowed. */
  const send = (doc: Y.Doc, change: () => void, writer = doc === alice ? editor : commenter(doc)) => {
    const update = captureUpdate(doc, change);
    const verdict = judge(server, update, writer);
    if (verdict.kind !== 'refuse') {
      Y.applyUpdate(server, update);
      for (const other of [alice, carol, dave]) if (other !== doc) sync(server, other);
    }
    return verdict;
  };
  /**
   * Tries a change that may be refused from a fresh copy of the server's document, written by the same
   * connection as `doc` (it owns both client ids): a refused update leaves a gap in its writer's clock, so
   * `doc` itself could not go on.
   */
  const attempt = (doc: Y.Doc, change: (copy: Y.Doc) => void) => {
    const copy = new Y.Doc();
    sync(server, copy);
    const update = captureUpdate(copy, () => change(copy));
    const verdict = judge(server, update, commenter(doc, copy));
    if (verdict.kind !== 'refuse') Y.applyUpdate(server, update);
    return verdict;
  };
  return { server, alice, carol, dave, send, attempt };
}

const allowed = { kind: 'allow' };

describe('[CM2] a comment writer changes only the comments', () => {
  it('adds a thread, replies to anyone, resolves and reopens anyone’s thread', () => {
    const { server, carol, dave, send } = setup();
    const before = outsideComments(server);
    expect(send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'Why?' }))).toEqual(allowed);
    expect(send(dave, () => reply(dave, 't1', { id: 'c2', author: 'Dave', body: 'Because.' }))).toEqual(allowed);
    expect(send(dave, () => threadOf(dave, 't1').set('resolved', true))).toEqual(allowed);
    expect(send(carol, () => threadOf(carol, 't1').set('resolved', false))).toEqual(allowed);
    expect(commentsOf(server, 't1').toJSON().map((c: { body: string }) => c.body)).toEqual(['Why?', 'Because.']);
    expect(threadOf(server, 't1').get('resolved')).toBe(false);
    expect(outsideComments(server)).toBe(before);
  });

  it('cannot type into the text, change the title or make another root', () => {
    const { server, carol, attempt } = setup();
    const before = outsideComments(server);
    const outside = { kind: 'refuse', reason: 'outside_comments' };
    expect(attempt(carol, (d) => firstText(d).insert(0, 'X'))).toMatchObject(outside);
    expect(attempt(carol, (d) => firstText(d).delete(0, 3))).toMatchObject(outside);
    expect(attempt(carol, (d) => firstText(d).format(0, 3, { bold: true }))).toMatchObject(outside);
    expect(attempt(carol, (d) => titleText(d).insert(0, 'Hijacked '))).toMatchObject(outside);
    expect(attempt(carol, (d) => d.getMap('meta').set('title', 'x'))).toMatchObject(outside);
    expect(attempt(carol, (d) => d.getXmlFragment(CONTENT_FRAGMENT).delete(0, 1))).toMatchObject(outside);
    expect(outsideComments(server)).toBe(before);
  });

  it('refuses a change that mixes a comment with a text edit, whole', () => {
    const { server, carol, send } = setup();
    const verdict = send(carol, () =>
      carol.transact(() => {
        addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' });
        firstText(carol).insert(0, 'X');
      }),
    );
    expect(verdict).toMatchObject({ kind: 'refuse', reason: 'outside_comments' });
    expect(server.share.has('comments')).toBe(false);
  });

  it('an edit writer may change both', () => {
    const { alice, send } = setup();
    expect(
      send(alice, () =>
        alice.transact(() => {
          addThread(alice, 't1', { id: 'c1', author: 'Alice', body: 'hi' });
          firstText(alice).insert(0, 'X');
        }),
      ),
    ).toEqual(allowed);
  });

  it('accepts a sync step2 that resends what the server already has, text deletions included', () => {
    const { server, alice, carol, send } = setup();
    const staleVector = Y.encodeStateVector(server);
    send(alice, () => firstText(alice).delete(0, 4));
    send(alice, () => firstText(alice).insert(0, 'A '));
    sync(server, carol);
    send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }));
    // Carol answers a step1 the server sent before Alice's edits: Alice's structs and deletions come back.
    const step2 = Y.encodeStateAsUpdate(carol, staleVector);
    expect(Y.decodeUpdate(step2).ds.clients.size).toBeGreaterThan(0);
    expect(judge(server, step2, commenter(carol))).toEqual(allowed);
  });

  it('accepts a struct of its own that the server already holds in part', () => {
    const { server, carol } = setup();
    const early = captureUpdate(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }));
    const base = Y.encodeStateVector(server);
    Y.applyUpdate(server, early);
    // One update typed in two steps, merged (as a step2 racing the live update would carry it).
    const later = captureUpdate(carol, () => commentsOf(carol, 't1').get(0).set('body', 'hello'));
    Y.applyUpdate(server, later);
    const more = captureUpdate(carol, () => commentsOf(carol, 't1').get(0).set('body', 'hello again'));
    const overlapping = Y.encodeStateAsUpdate(carol, base);
    expect(judge(server, overlapping, commenter(carol))).toEqual(allowed);
    expect(judge(server, more, commenter(carol))).toEqual(allowed);
  });
});

describe('[CM2] Yjs’s own formatting cleanup from a comment link’s page', () => {
  /**
   * Alice and Bob change the title at once; Carol's page receives both and runs Yjs's cleanup of redundant
   * markers. The server document here has not instantiated its title (a bare root type runs no cleanup), so
   * it still holds the markers Carol's page deletes — as a server does whose own cleanup, in other transaction
   * boundaries (relays are merged), decided otherwise.
   */
  function cleanupAfter(alice: (text: Y.Text) => void, bob: (text: Y.Text) => void) {
    const seed = new Y.Doc();
    titleText(seed).insert(0, 'hello brave world');
    const server = new Y.Doc({ gc: false });
    Y.applyUpdate(server, Y.encodeStateAsUpdate(seed));
    const [a, b, carol] = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    for (const doc of [a, b, carol]) {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
      titleText(doc);
    }
    const ua = captureUpdate(a, () => alice(titleText(a)));
    const ub = captureUpdate(b, () => bob(titleText(b)));
    Y.applyUpdate(server, ua);
    Y.applyUpdate(server, ub);
    const cleanups: Uint8Array[] = [];
    carol.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === null) cleanups.push(update);
    });
    Y.applyUpdate(carol, ua, 'relay');
    Y.applyUpdate(carol, ub, 'relay');
    return { server, carol, cleanups };
  }

  /** Whether `update` deletes anything the server still holds live. */
  const deletesLive = (server: Y.Doc, update: Uint8Array) =>
    [...Y.decodeUpdate(update).ds.clients].some(([client, ranges]) =>
      ranges.some(({ clock, len }) => Array.from({ length: len }, (_, i) => Y.getItem(server.store, Y.createID(client, clock + i))).some((item) => !item.deleted)),
    );

  it.each([
    ['bolds a word while Bob deletes it', (t: Y.Text) => t.format(0, 5, { bold: true }), (t: Y.Text) => t.delete(0, 5)],
    ['bolds the words Bob bolds too', (t: Y.Text) => t.format(0, 5, { bold: true }), (t: Y.Text) => t.format(0, 5, { bold: true })],
  ])('Alice %s: the redundant markers Carol’s page deletes change nothing visible, so they pass', (_what, alice, bob) => {
    const { server, carol, cleanups } = cleanupAfter(alice, bob);
    expect(cleanups.length).toBeGreaterThan(0);
    const before = titleText(server).toDelta();
    for (const update of cleanups) {
      expect(Y.decodeUpdate(update).structs).toHaveLength(0);
      expect(deletesLive(server, update)).toBe(true);
      expect(judge(server, update, commenter(carol))).toEqual(allowed);
      Y.applyUpdate(server, update);
    }
    expect(titleText(server).toDelta()).toEqual(before);
  });

  it('deleting a marker that formats text stays refused', () => {
    const { server, carol } = cleanupAfter((t) => t.format(0, 5, { bold: true }), (t) => t.format(6, 5, { italic: true }));
    let marker: Y.Item | null = null;
    for (let item = server.share.get('title')!._start; item !== null; item = item.right) {
      if (!item.deleted && item.content instanceof Y.ContentFormat) marker ??= item;
    }
    const crafted = encodeStructs([], [[marker!.id.client, marker!.id.clock, 1]]);
    expect(judge(server, crafted, commenter(carol))).toMatchObject({ kind: 'refuse', reason: 'outside_comments' });
  });
});

describe('[CM4] own entries and own client ids', () => {
  it('edits and deletes its own comments, not someone else’s', () => {
    const { server, carol, dave, send, attempt } = setup();
    send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'first' }));
    send(dave, () => reply(dave, 't1', { id: 'c2', author: 'Dave', body: 'second' }));
    expect(send(carol, () => commentsOf(carol, 't1').get(0).set('body', 'first, edited'))).toEqual(allowed);
    expect(attempt(carol, (d) => commentsOf(d, 't1').get(1).set('body', 'Carol was here'))).toMatchObject({ reason: 'not_own' });
    // The author field is a name, not an identity: claiming Dave's name grants nothing.
    expect(attempt(carol, (d) => commentsOf(d, 't1').get(1).set('author', 'Carol'))).toMatchObject({ reason: 'not_own' });
    expect(attempt(carol, (d) => commentsOf(d, 't1').delete(1, 1))).toMatchObject({ reason: 'not_own' });
    expect(send(dave, () => commentsOf(dave, 't1').delete(1, 1))).toEqual(allowed);
    expect(commentsOf(server, 't1').toJSON()).toMatchObject([{ body: 'first, edited' }]);
  });

  it('changes and deletes its own thread only while every comment in it is its own', () => {
    const { server, carol, dave, send, attempt } = setup();
    send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'mine' }));
    send(carol, () => addThread(carol, 't2', { id: 'c2', author: 'Carol', body: 'also mine' }));
    expect(attempt(dave, (d) => threadOf(d, 't1').set('quote', 'other words'))).toMatchObject({ reason: 'not_own' });
    expect(attempt(dave, (d) => threadOf(d, 't1').set('comments', new Y.Array()))).toMatchObject({ reason: 'not_own' });
    expect(attempt(dave, (d) => d.getMap('comments').delete('t1'))).toMatchObject({ reason: 'not_own' });
    expect(attempt(dave, (d) => addThread(d, 't1', { id: 'd1', author: 'Dave', body: 'replaced' }))).toMatchObject({ reason: 'not_own' });
    expect(send(carol, () => threadOf(carol, 't1').set('quote', 'fixed quote'))).toEqual(allowed);
    send(dave, () => reply(dave, 't2', { id: 'd2', author: 'Dave', body: 'a reply' }));
    expect(attempt(carol, (d) => d.getMap('comments').delete('t2'))).toMatchObject({ reason: 'not_own' });
    expect(send(carol, () => carol.getMap('comments').delete('t1'))).toEqual(allowed);
    expect([...server.getMap('comments').keys()]).toEqual(['t2']);
  });

  it('writes only under client ids its connection owns', () => {
    const { server, carol } = setup();
    const update = captureUpdate(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }));
    expect(judge(server, update, { scope: 'comment', owns: () => false })).toMatchObject({ reason: 'foreign_client' });
    // Someone else's comment written under their client id, to edit it later, is refused the same way.
    const alice = new Y.Doc();
    sync(server, alice);
    const forged = captureUpdate(alice, () => addThread(alice, 't2', { id: 'c2', author: 'Alice', body: 'not me' }));
    expect(judge(server, forged, commenter(carol))).toMatchObject({ reason: 'foreign_client' });
  });
});

describe('[CM1] crafted updates a comment writer might send', () => {
  it('an item whose origin lies in the text, whatever it was made as, is placed in the text', () => {
    const { server, carol } = setup();
    const update = captureUpdate(carol, () => carol.getMap('comments').set('t1', 'x'));
    const [item] = structsOf(update) as Y.Item[];
    // Point its origin at the last character of the paragraph: Yjs then takes the parent from there.
    const target = firstText(server)._start!;
    item!.origin = Y.createID(target.id.client, target.id.clock + target.length - 1);
    const crafted = encodeStructs([item!]);
    expect(judge(server, crafted, commenter(carol))).toMatchObject({ kind: 'refuse', reason: 'outside_comments' });
    // What it would have done: land in the text.
    const copy = new Y.Doc();
    sync(server, copy);
    Y.applyUpdate(copy, crafted);
    expect(firstText(copy).length).toBe(firstText(server).length + 1);
  });

  it('an item placed under comments but steered by a right origin in the text is refused', () => {
    const { server, carol, send } = setup();
    send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }));
    const update = captureUpdate(carol, () => reply(carol, 't1', { id: 'c2', author: 'Carol', body: 'more' }));
    const structs = structsOf(update) as Y.Item[];
    const comment = structs.find((s) => s.content instanceof Y.ContentType)!;
    const textItem = firstText(server)._start!;
    comment.rightOrigin = textItem.id;
    expect(judge(server, encodeStructs(structs), commenter(carol))).toMatchObject({ kind: 'refuse', reason: 'outside_comments' });
  });

  it('a delete range reaching from the comments into the text is refused', () => {
    const { server, alice, carol, send } = setup();
    send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }));
    // Deleting only the comment is fine …
    const own = commentsOf(server, 't1').get(0)._item!;
    expect(judge(server, encodeStructs([], [[own.id.client, own.id.clock, 1]]), commenter(carol))).toEqual(allowed);
    // … but not a range that also covers Alice's text.
    const text = firstText(server)._start!;
    const crafted = encodeStructs([], [[own.id.client, own.id.clock, 1], [text.id.client, text.id.clock, 3]]);
    expect(judge(server, crafted, commenter(carol, alice))).toMatchObject({ kind: 'refuse', reason: 'outside_comments' });
  });

  it('refuses what it cannot place: unknown ids, a gap in its own clock, references in a cycle', () => {
    const { server, carol } = setup();
    const update = captureUpdate(carol, () => carol.getMap('comments').set('t1', 'x'));
    const [item] = structsOf(update) as Y.Item[];
    item!.origin = Y.createID(424242, 7);
    expect(judge(server, encodeStructs([item!]), commenter(carol))).toMatchObject({ reason: 'unplaced' });

    const gap = structsOf(update) as Y.Item[];
    gap[0]!.id = Y.createID(carol.clientID, 5);
    expect(judge(server, encodeStructs(gap), commenter(carol))).toMatchObject({ reason: 'unplaced' });

    expect(judge(server, encodeStructs([], [[424242, 0, 3]]), commenter(carol))).toMatchObject({ reason: 'unplaced' });

    // Two clients' items, each placed after the other.
    const a = structsOf(captureUpdate(carol, () => carol.getMap('comments').set('a', 'x')))[0] as Y.Item;
    const other = new Y.Doc();
    const b = structsOf(captureUpdate(other, () => other.getMap('comments').set('b', 'y')))[0] as Y.Item;
    a.origin = b.id;
    b.origin = a.id;
    expect(judge(server, encodeStructs([a, b]), commenter(carol, other))).toMatchObject({ reason: 'unplaced' });
  });

  it('an item of its own continuing a struct the server has elsewhere is refused', () => {
    const { server, carol, send } = setup();
    send(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }));
    // Carol's next clock; claim the struct started one clock earlier (held) but lies in the text.
    const state = Y.getState(server.store, carol.clientID);
    const textEnd = firstText(server)._start!;
    const item = new Y.Item(Y.createID(carol.clientID, state - 1), null, null, null, null, null, null, new Y.ContentString('XY'));
    item.origin = Y.createID(textEnd.id.client, textEnd.id.clock);
    expect(judge(server, encodeStructs([item]), commenter(carol))).toMatchObject({ kind: 'refuse', reason: 'shape' });
    // From an edit link too: Yjs would put it in the comments' list with the text as its parent.
    expect(judge(server, encodeStructs([item]), editor)).toMatchObject({ kind: 'refuse', reason: 'shape' });
  });
});
