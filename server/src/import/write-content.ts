/**
 * The changes the write API and imports make to a document's Y.Doc [IM1][IM6]: computed on a scratch copy
 * (`onScratchCopy`), so the room's document changes only when the update is applied like a peer's —
 * size limit, durable append with its history entry, relay (`Room.applyServerChange`).
 */
import { CONTENT_FRAGMENT, titleText } from '@tandem/common';
import type { Node as PMNode } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { onScratchCopy } from '../history/undo-change.js';
import { writeBlocks } from './block-diff.js';

/** The first update of an imported document: its content and title, written in one transaction. */
export function importedState(root: PMNode, title: string | null): Uint8Array {
  const doc = new Y.Doc({ guid: 'initial' });
  try {
    doc.transact(() => {
      prosemirrorToYXmlFragment(root, doc.getXmlFragment(CONTENT_FRAGMENT));
      if (title) titleText(doc).insert(0, title);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** `PUT …/content`: the content becomes `root` (and the title `title`, when given); null when nothing changes. */
export function replaceContentChange(doc: Y.Doc, root: PMNode, title?: string): Uint8Array | null {
  return onScratchCopy(doc, (scratch) => {
    scratch.transact(() => {
      writeBlocks(scratch.getXmlFragment(CONTENT_FRAGMENT), root);
      if (title !== undefined) writeText(titleText(scratch), title);
    });
  });
}

/**
 * `POST …/content`: `root`'s blocks inserted before or after everything else; what is there is not touched.
 * A document that holds nothing but empty paragraphs (a new one holds one) loses them, so the content does
 * not follow or precede a blank line.
 */
export function addContentChange(doc: Y.Doc, root: PMNode, position: 'start' | 'end'): Uint8Array | null {
  const built = new Y.Doc({ gc: false });
  try {
    const blocks = prosemirrorToYXmlFragment(root, built.getXmlFragment('added')).toArray();
    return onScratchCopy(doc, (scratch) => {
      const fragment = scratch.getXmlFragment(CONTENT_FRAGMENT);
      scratch.transact(() => {
        if (fragment.toArray().every((block) => block.toString() === EMPTY_PARAGRAPH)) fragment.delete(0, fragment.length);
        fragment.insert(position === 'start' ? 0 : fragment.length, blocks.map((block) => block.clone() as Y.XmlElement));
      });
    });
  } finally {
    built.destroy();
  }
}

const EMPTY_PARAGRAPH = '<paragraph></paragraph>';

/** Rewrites only the part of `text` that differs from `value` (common start and end kept). */
function writeText(text: Y.Text, value: string): void {
  const old = text.toString();
  if (old === value) return;
  let start = 0;
  while (start < old.length && start < value.length && old[start] === value[start]) start++;
  let end = 0;
  while (end < old.length - start && end < value.length - start && old[old.length - 1 - end] === value[value.length - 1 - end]) end++;
  text.delete(start, old.length - start - end);
  text.insert(start, value.slice(start, value.length - end));
}
