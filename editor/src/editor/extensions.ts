import { Extension, type AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Placeholder } from '@tiptap/extensions';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import type { AwarenessUser } from '../lib/presence';
import { renderCaret, renderSelection } from './caret';

/**
 * The document schema. It must stay exactly what the server exports with (StarterKit without its own
 * history, links that do not navigate on click, task lists with nesting), or Markdown/HTML exports would
 * drop or mangle content. Only non-schema extensions may be added here.
 */
export function contentExtensions(options: { trailingNode: boolean }): AnyExtension[] {
  return [
    StarterKit.configure({
      // Collaboration brings its own y-undo: undo/redo only touch your own changes.
      undoRedo: false,
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
      // A viewer must never write to the document, and the trailing-paragraph rule writes on load.
      trailingNode: options.trailingNode ? {} : false,
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
  ];
}

export interface CollabExtensionOptions {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: AwarenessUser;
  editable: boolean;
  onLinkShortcut: () => void;
}

export function editorExtensions(o: CollabExtensionOptions): AnyExtension[] {
  return [
    ...contentExtensions({ trailingNode: o.editable }),
    Collaboration.configure({ document: o.doc }),
    CollaborationCaret.configure({
      provider: o.provider,
      user: o.user,
      render: renderCaret,
      selectionRender: renderSelection,
    }),
    Placeholder.configure({
      placeholder: ({ node, editor }) =>
        node.type.name === 'heading' ? 'Heading' : editor.isEmpty ? 'Start writing, or paste something in…' : '',
      showOnlyCurrent: true,
    }),
    Extension.create({
      name: 'tandemShortcuts',
      addKeyboardShortcuts() {
        return {
          // The link popover lives in React; the shortcut only asks for it to open.
          'Mod-k': () => {
            if (!this.editor.isEditable) return false;
            o.onLinkShortcut();
            return true;
          },
        };
      },
    }),
  ];
}
