import { Extension } from '@tiptap/core';
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';

type Transact = Y.Doc['transact'];

/**
 * While the editor is not editable (view and comment links), nothing here may change the text:
 * - no change may start in ProseMirror: only changes arriving from Yjs (other people's) get through. A
 *   read-only ProseMirror still runs key bindings and plugins that append changes (autolinking a URL
 *   someone else typed, a trailing paragraph…);
 * - the binding (y-tiptap) never writes to Yjs. It writes ProseMirror's document back whenever the two
 *   differ, and deletes what the schema cannot show — which happens without anyone typing when the shared
 *   text holds something this version reads differently (a list item outside a list, a node or mark it
 *   does not know, written by another client or version): it would "repair" the text for everyone. All its
 *   writes are transactions with its own origin; on a read-only editor those are not run (what cannot be
 *   shown is left out of the view, and left alone in the document).
 * Either would reach the shared document, and a comment link's socket is closed (4403) by the server for a
 * single change outside the comments.
 */
export const ReadOnlyGuard = Extension.create<{ doc: Y.Doc | null }, { restore: (() => void) | null }>({
  name: 'tandemReadOnlyGuard',

  addOptions() {
    return { doc: null };
  },

  addStorage() {
    return { restore: null };
  },

  // Before the view exists: the binding renders (and may write) as its view is created.
  onBeforeCreate() {
    const doc = this.options.doc;
    if (!doc || this.storage.restore) return;
    const editor = this.editor;
    const original: Transact = doc.transact;
    // Skipped, the binding's transaction returns nothing; none of its callers reads what it returns.
    const guarded = function <T>(this: Y.Doc, fn: (tr: Y.Transaction) => T, origin?: unknown): T {
      if (origin === ySyncPluginKey && !editor.options.editable) return undefined as T;
      return original.call(this, fn, origin) as T;
    };
    doc.transact = guarded;
    this.storage.restore = () => {
      if (doc.transact === guarded) doc.transact = original;
    };
  },

  onDestroy() {
    this.storage.restore?.();
    this.storage.restore = null;
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        key: new PluginKey('tandemReadOnlyGuard'),
        filterTransaction: (tr) => !tr.docChanged || isChangeOrigin(tr) || editor.isEditable,
      }),
    ];
  },
});
