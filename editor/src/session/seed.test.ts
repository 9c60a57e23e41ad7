import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seedEmptyDocument } from './collabSession';

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
