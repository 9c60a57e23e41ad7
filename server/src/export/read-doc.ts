/**
 * Reads a collaborative document (title + rich text) out of a Y.Doc without ever writing to it.
 */
import { CONTENT_FRAGMENT, readTitle } from '@tandem/common';
import type { Node as PMNode } from '@tiptap/pm/model';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { documentSchema } from './schema.js';

export interface DocContent {
  /** Single-line title, '' when unset. */
  title: string;
  /** A `doc` node of `documentSchema`; an empty paragraph when the document was never edited. */
  root: PMNode;
}

export function readDoc(doc: Y.Doc): DocContent {
  // y-tiptap's converter is written for the editor binding: when an element does not fit the schema it
  // *deletes* it from the Y.Doc (and it merges adjacent Y.Texts of the local client). On the server that
  // would be a permanent, broadcast edit made by an export. Converting a throwaway copy keeps the live
  // document read-only. The round trip costs more than the conversion itself (100–300 ms for 1 MB of
  // Yjs state), which an occasional export can afford; a paragraph deleted by an export it cannot.
  const copy = new Y.Doc({ guid: doc.guid });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    return { title: readTitle(copy), root: readRoot(copy) };
  } finally {
    copy.destroy();
  }
}

function readRoot(copy: Y.Doc): PMNode {
  const root = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(CONTENT_FRAGMENT), documentSchema);
  // An empty fragment converts to a `doc` without children, which the schema (`block+`) rejects; the
  // editor shows such a document as one empty paragraph, so export exactly that.
  return root.childCount > 0 ? root : documentSchema.topNodeType.createAndFill()!;
}
