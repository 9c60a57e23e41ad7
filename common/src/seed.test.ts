import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, LEGACY_META_MAP, TITLE_TEXT } from './layout.js';
import { initialState, seedEmptyDocument } from './seed.js';

describe('seedEmptyDocument', () => {
  it('gives a never-edited document one empty paragraph', () => {
    const doc = new Y.Doc();
    expect(seedEmptyDocument(doc)).toBe(true);
    expect(doc.getXmlFragment('default').toJSON()).toBe('<paragraph></paragraph>');
    // …holding one empty text, so concurrent first letters land in the same Y.XmlText.
    const paragraph = doc.getXmlFragment('default').get(0) as Y.XmlElement;
    expect(paragraph.length).toBe(1);
    expect(paragraph.get(0)).toBeInstanceOf(Y.XmlText);
  });

  it('leaves a document with content alone', () => {
    const doc = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('hello')]);
    doc.getXmlFragment('default').insert(0, [p]);
    expect(seedEmptyDocument(doc)).toBe(false);
    expect(doc.getXmlFragment('default').length).toBe(1);
  });

  it('two people seeding the same moment still converge (to two empty paragraphs, not lost text)', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    seedEmptyDocument(a);
    seedEmptyDocument(b);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getXmlFragment('default').toJSON()).toBe(b.getXmlFragment('default').toJSON());
  });
});

describe('seedEmptyDocument origin', () => {
  it('tags the transaction that writes the paragraph with the origin given', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.changed.size > 0) origins.push(tr.origin);
    });
    const origin = Symbol('seed');
    seedEmptyDocument(doc, origin);
    expect(origins).toEqual([origin]);
  });
});

describe('initialState', () => {
  const load = (update: Uint8Array) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    return doc;
  };

  it('is the seed paragraph, holding one empty text, and no title when none was given', () => {
    const doc = load(initialState());
    expect(doc.getXmlFragment(CONTENT_FRAGMENT).toJSON()).toBe('<paragraph></paragraph>');
    const paragraph = doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement;
    expect(paragraph.length).toBe(1);
    expect(paragraph.get(0)).toBeInstanceOf(Y.XmlText);
    expect(doc.getText(TITLE_TEXT).length).toBe(0);
    // An empty title is no title: nothing is written for it.
    const untitled = load(initialState(''));
    expect(untitled.getText(TITLE_TEXT).length).toBe(0);
    expect(Y.decodeUpdate(initialState('')).structs).toHaveLength(Y.decodeUpdate(initialState()).structs.length);
  });

  it('stores the title in the title Y.Text, and nothing in the legacy meta map', () => {
    const doc = load(initialState('Quarterly plan'));
    expect(doc.getText(TITLE_TEXT).toString()).toBe('Quarterly plan');
    expect(doc.getMap(LEGACY_META_MAP).size).toBe(0);
  });

  it('is one transaction: a client that applies it has nothing left to seed', () => {
    const doc = load(initialState('T'));
    expect(seedEmptyDocument(doc)).toBe(false);
    expect(doc.getXmlFragment(CONTENT_FRAGMENT).length).toBe(1);
  });
});
