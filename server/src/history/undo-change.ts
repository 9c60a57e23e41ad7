import { CONTENT_FRAGMENT, titleText } from '@tandem/common';
import * as Y from 'yjs';
import { encodeIntegratedState } from '../rooms/update-guard.js';
import { clampToDoc, type IdSet } from './id-sets.js';

/**
 * [HI5][HI6] Computes, as one Yjs update, the forward change that undoes a set of past changes: delete
 * what `insertions` created (if still there), re-create what `deletions` removed (at its old place).
 * Yjs's undo machinery does exactly this for the editor's Ctrl+Z; here it is handed the ids from history
 * instead of the ones it captured itself. It runs on a scratch copy, so the room's document changes only
 * when the update is applied to it like any peer's — checked, appended, relayed.
 *
 * Only the rich text and the title are in scope: comments (and anything else) are never touched.
 * `inspect` sees the copy with the change made.
 */
export function undoChanges(doc: Y.Doc, insertions: IdSet, deletions: IdSet, inspect?: (result: Y.Doc) => void): Uint8Array | null {
  return onScratchCopy(doc, (scratch) => {
    const undo = new Y.UndoManager([scratch.getXmlFragment(CONTENT_FRAGMENT), titleText(scratch)], { captureTimeout: 0 });
    try {
      // The shape of Yjs's (unexported) StackItem; `undo()` pops it and applies it in one transaction.
      undo.undoStack.push({ insertions: clampToDoc(insertions, scratch), deletions: clampToDoc(deletions, scratch), meta: new Map() } as never);
      undo.undo();
    } finally {
      undo.destroy();
    }
    // The copy now holds the result: the caller may check it without copying the document again.
    inspect?.(scratch);
  });
}

/**
 * Runs `change` on a copy of `doc` (gc off, so deleted content can come back) and returns what it changed
 * as one update, or null when it changed nothing.
 */
export function onScratchCopy(doc: Y.Doc, change: (scratch: Y.Doc) => void): Uint8Array | null {
  const scratch = new Y.Doc({ gc: false, guid: doc.guid });
  try {
    Y.applyUpdate(scratch, encodeIntegratedState(doc));
    const updates: Uint8Array[] = [];
    scratch.on('update', (update: Uint8Array) => updates.push(update));
    change(scratch);
    if (updates.length === 0) return null;
    return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
  } finally {
    scratch.destroy();
  }
}

/**
 * [HI5] The fallback restore: replaces the rich text and the title of a copy of `doc` with those of
 * `target` (a rendered version), as one update. Exact, but everything comes back as new text.
 */
export function replaceContent(doc: Y.Doc, target: Y.Doc): Uint8Array | null {
  return onScratchCopy(doc, (scratch) => {
    scratch.transact(() => {
      const fragment = scratch.getXmlFragment(CONTENT_FRAGMENT);
      fragment.delete(0, fragment.length);
      const source = target.getXmlFragment(CONTENT_FRAGMENT).toArray();
      // Hooks are never written by the editor; the rest clone as they are.
      fragment.insert(0, source.filter((node) => !(node instanceof Y.XmlHook)).map((node) => node.clone() as Y.XmlElement | Y.XmlText));
      const title = titleText(scratch);
      title.delete(0, title.length);
      title.insert(0, titleText(target).toString());
    });
  });
}

/** What restore compares: the rich text (with marks and attributes) and the title. */
export function contentFingerprint(doc: Y.Doc): string {
  return `${titleText(doc).toString()}\u0000${doc.getXmlFragment(CONTENT_FRAGMENT).toString()}`;
}
