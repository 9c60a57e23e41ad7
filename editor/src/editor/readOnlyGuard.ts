import { Extension } from '@tiptap/core';
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import { Plugin, PluginKey } from '@tiptap/pm/state';

/**
 * While the editor is not editable (view and comment links), no change to the text may start here: only
 * changes arriving from Yjs (other people's) get through. A read-only ProseMirror still runs key bindings
 * and plugins that append changes (autolinking a URL someone else typed, a trailing paragraph…); any of
 * them would reach the shared document through the binding — and a comment link's socket is closed
 * (4403) by the server for a single character outside the comments.
 */
export const ReadOnlyGuard = Extension.create({
  name: 'tandemReadOnlyGuard',

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
