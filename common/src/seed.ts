import * as Y from 'yjs';
import { CONTENT_FRAGMENT, titleText } from './layout.js';

/**
 * A new document starts with one empty paragraph. Left empty, every editor that opens it shows its own
 * local-only paragraph, and two people typing at once into a fresh document end up in two paragraphs
 * instead of one. The paragraph holds an empty Y.XmlText, so a cursor in it has a text to anchor to.
 *
 * (Known upstream limitation, @tiptap/y-tiptap 3.0.9: if two people type their very first letters into the
 * same *empty* paragraph within the same instant, a letter or two can land out of place; both windows still
 * converge. Once a paragraph has text, simultaneous typing in it is clean.)
 */
function seedParagraph(): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText()]);
  return paragraph;
}

/**
 * Writes the seed paragraph into a document whose content fragment has never had content (ProseMirror never
 * leaves a written document without a block); `origin` tags the transaction. True when it wrote.
 *
 * @example seedEmptyDocument(doc, SEED_ORIGIN) // the editor, once in sync with the server
 */
export function seedEmptyDocument(doc: Y.Doc, origin?: unknown): boolean {
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
  if (fragment.length > 0) return false;
  doc.transact(() => fragment.insert(0, [seedParagraph()]), origin);
  return true;
}

/**
 * The first update of a document created by `POST /api/docs`: the seed paragraph, and the title when one
 * was given, written in one transaction.
 */
export function initialState(title?: string): Uint8Array {
  const doc = new Y.Doc({ guid: 'initial' }); // a fixed guid: no random uuid per created document
  doc.transact(() => {
    seedEmptyDocument(doc);
    if (title) titleText(doc).insert(0, title);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
