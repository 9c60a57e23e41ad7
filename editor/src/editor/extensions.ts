import { CONTENT_FRAGMENT } from '@tandem/common';
import { documentExtensions } from '@tandem/common/schema';
import { Extension, type AnyExtension } from '@tiptap/core';
import { Placeholder } from '@tiptap/extensions';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import type { AwarenessUser } from '../lib/presence';
import { Authorship } from './authorshipPlugin';
import { renderCaret, renderSelection } from './caret';
import { MarkdownPaste } from './markdownPaste';
import { CommentHighlights, type CommentHighlightsOptions } from './commentHighlights';
import { ReadOnlyGuard } from './readOnlyGuard';
import { ImageUploads, type ImageUploadsOptions } from './imageUploads';
import { FindHighlights } from './writer/findPlugin';
import { SlashMenu, type SlashMenuOptions } from './writer/slashMenu';

/**
 * The document schema (`@tandem/common/schema`, the list the server exports with) configured for this
 * live view: only behaviour here, never a node or mark. Links do not navigate on click (that is for
 * editing them) and are recognised as you type; table columns can be resized by those who may edit.
 */
export function contentExtensions(options: { editable: boolean }): AnyExtension[] {
  return documentExtensions({
    // Collaboration brings its own y-undo: undo/redo only touch your own changes.
    undoRedo: false,
    link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
    // A viewer must never write to the document, and the trailing-paragraph rule writes on load.
    trailingNode: options.editable ? {} : false,
    table: { resizable: options.editable },
  });
}

export interface CollabExtensionOptions {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: AwarenessUser;
  editable: boolean;
  onLinkShortcut: () => void;
  /** Where the comment highlights report to (the page's comments panel). */
  comments: Pick<CommentHighlightsOptions, 'onRanges' | 'onActivate'>;
  /** [UP7] Where images go and how they load (the document and the page's token), and where refusals are told. */
  uploads: ImageUploadsOptions;
  /** Where the "/" block menu reports to (components/writer/SlashMenu). */
  slash: SlashMenuOptions;
}

export function editorExtensions(o: CollabExtensionOptions): AnyExtension[] {
  return [
    ...contentExtensions({ editable: o.editable }),
    // Before MarkdownPaste: a pasted image file may come with text (its name) that must not win.
    ImageUploads.configure(o.uploads),
    MarkdownPaste,
    FindHighlights,
    // A plain object: Tiptap merges only plain objects into options, and the bridge is a class instance.
    SlashMenu.configure({ onChange: o.slash.onChange, onKey: o.slash.onKey }),
    Collaboration.configure({ document: o.doc, field: CONTENT_FRAGMENT }),
    // "Show authors": off until attribution is handed to it (see useAuthorship).
    Authorship.configure({ fragment: o.doc.getXmlFragment(CONTENT_FRAGMENT) }),
    CommentHighlights.configure({ doc: o.doc, fragment: o.doc.getXmlFragment(CONTENT_FRAGMENT), ...o.comments }),
    ReadOnlyGuard.configure({ doc: o.doc }),
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
