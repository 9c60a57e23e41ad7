/**
 * [CM5] Reading threads for people: document order, the quote as the text reads now, detached threads
 * (their text deleted) after the others with their stored quote, and never a write to the document.
 */
import { COMMENTS_MAP, CONTENT_FRAGMENT } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readThreads } from '../../src/comments/read-threads.js';
import { addParagraph, addThread, reply, sync } from './support.js';

/** Relative positions of `[from, to)` in paragraph `para`'s text. */
function range(doc: Y.Doc, para: number, from: number, toPara: number, to: number) {
  const text = (p: number) => (doc.getXmlFragment(CONTENT_FRAGMENT).get(p) as Y.XmlElement).get(0) as Y.XmlText;
  return {
    from: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text(para), from)),
    to: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text(toPara), to, -1)),
  };
}

function textOf(doc: Y.Doc, para: number): Y.XmlText {
  return (doc.getXmlFragment(CONTENT_FRAGMENT).get(para) as Y.XmlElement).get(0) as Y.XmlText;
}

function document() {
  const doc = new Y.Doc({ gc: false });
  addParagraph(doc, 'The quick brown fox');
  addParagraph(doc, 'jumps over the lazy dog');
  return doc;
}

describe('[CM5] readThreads', () => {
  it('lists threads in document order, whatever order they were made in, with their comments oldest first', () => {
    const doc = document();
    addThread(doc, 'late', { id: 'c1', author: 'A', body: 'on the dog', createdAt: 1 }, { quote: 'lazy dog', ...range(doc, 1, 15, 1, 23) });
    addThread(doc, 'early', { id: 'c2', author: 'B', body: 'on quick', createdAt: 2 }, { quote: 'quick', ...range(doc, 0, 4, 0, 9) });
    addThread(doc, 'middle', { id: 'c3', author: 'C', body: 'on the fox', createdAt: 3 }, { quote: 'fox', ...range(doc, 0, 16, 0, 19) });
    reply(doc, 'early', { id: 'c4', author: 'D', body: 'agreed', createdAt: 4 });
    const threads = readThreads(doc);
    expect(threads.map((t) => [t.id, t.quote, t.detached])).toEqual([
      ['early', 'quick', false],
      ['middle', 'fox', false],
      ['late', 'lazy dog', false],
    ]);
    expect(threads[0]!.comments).toEqual([
      { id: 'c2', author: 'B', body: 'on quick', createdAt: 2 },
      { id: 'c4', author: 'D', body: 'agreed', createdAt: 4 },
    ]);
  });

  it('quotes the text as it reads now, across paragraphs too', () => {
    const doc = document();
    addThread(doc, 't1', { id: 'c1', author: 'A', body: 'x' }, { quote: 'quick brown', ...range(doc, 0, 4, 0, 15) });
    addThread(doc, 't2', { id: 'c2', author: 'A', body: 'y' }, { quote: 'fox\njumps', ...range(doc, 0, 16, 1, 5) });
    textOf(doc, 0).insert(10, 'very ');
    expect(readThreads(doc).map((t) => t.quote)).toEqual(['quick very brown', 'fox\njumps']);
  });

  it('a thread whose text was deleted is detached, keeps its stored quote, and comes after the others', () => {
    const doc = document();
    addThread(doc, 'gone', { id: 'c1', author: 'A', body: 'x', createdAt: 5 }, { quote: 'quick', ...range(doc, 0, 4, 0, 9) });
    addThread(doc, 'here', { id: 'c2', author: 'A', body: 'y', createdAt: 6 }, { quote: 'dog', ...range(doc, 1, 20, 1, 23) });
    addThread(doc, 'para', { id: 'c3', author: 'A', body: 'z', createdAt: 4 }, { quote: 'jumps', ...range(doc, 1, 0, 1, 5) });
    textOf(doc, 0).delete(4, 5);
    doc.getXmlFragment(CONTENT_FRAGMENT).delete(1, 1);
    addParagraph(doc, 'a new dog');
    const threads = readThreads(doc);
    expect(threads.map((t) => [t.id, t.quote, t.detached])).toEqual([
      ['para', 'jumps', true],
      ['gone', 'quick', true],
      ['here', 'dog', true],
    ]);
  });

  it('reads entries from before the shape was checked leniently, and never writes to the document', () => {
    const doc = new Y.Doc({ gc: false });
    const source = document();
    addThread(source, 'ok', { id: 'c1', author: 'A', body: 'fine' }, range(source, 0, 0, 0, 3));
    source.getMap(COMMENTS_MAP).set('junk', 'kept');
    const bare = new Y.Map<unknown>();
    source.getMap(COMMENTS_MAP).set('bare', bare);
    bare.set('comments', Y.Array.from(['not a map']));
    // A position naming a root that does not exist: resolving it must not create it.
    bare.set('from', Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ tname: 'nowhere', item: null, assoc: 0 })));
    sync(source, doc);
    const roots = [...doc.share.keys()].sort();
    let wrote = false;
    doc.on('update', () => (wrote = true));
    const threads = readThreads(doc);
    expect(threads.map((t) => [t.id, t.quote, t.detached, t.comments.length])).toEqual([
      ['ok', 'The', false, 1],
      ['bare', '', true, 0],
    ]);
    expect([...doc.share.keys()].sort()).toEqual(roots);
    expect(wrote).toBe(false);
  });
});
