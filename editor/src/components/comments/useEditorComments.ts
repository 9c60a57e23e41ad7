import { CONTENT_FRAGMENT } from '@tandem/common';
import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { anchorPassage } from '../../editor/commentAnchors';
import { setCommentView } from '../../editor/commentHighlights';
import { commentShortcut, isCommentShortcut } from '../../lib/shortcuts';
import type { CommentsState } from '../../session/useComments';

/**
 * What the editor does for comments: it highlights what the page shows (the open thread, resolved ones on
 * demand, the draft's passage), and turns the selection into a draft thread — from the toolbar, the
 * bubble, or Ctrl/⌘+Alt+M (from the text, or on a comment link from anywhere: its text never has focus).
 * `paused` while something else stands in for the text (a history preview).
 */
export function useEditorComments(editor: Editor | null, doc: Y.Doc, comments: CommentsState, paused: boolean) {
  const [notice, setNotice] = useState<string | null>(null);
  const latest = useRef(comments);
  latest.current = comments;

  const { activeId, showResolved, draft } = comments;
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    editor.view.dispatch(setCommentView(editor.state.tr, { activeId, showResolved, draft: draft && { from: draft.from, to: draft.to } }));
  }, [editor, activeId, showResolved, draft]);

  /** Comments on the selected text: opens a draft thread on it in the panel. */
  const commentOnSelection = useCallback(() => {
    if (!editor || editor.isDestroyed || !latest.current.canComment) return;
    const { from, to } = editor.state.selection;
    const anchor = anchorPassage(doc.getXmlFragment(CONTENT_FRAGMENT), editor.state.doc, from, to);
    if (anchor) latest.current.startDraft(anchor);
    else setNotice('Select some text to comment on.');
  }, [editor, doc]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 3000);
    return () => clearTimeout(timer);
  }, [notice]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isCommentShortcut(event) || paused) return;
      // Not from another field (a comment box, the title): its selection is not the document's.
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('input, textarea, select') && !target.closest('.ProseMirror')) return;
      event.preventDefault();
      commentOnSelection();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [commentOnSelection, paused]);

  const hasSelection = useEditorState({ editor, selector: ({ editor: e }) => Boolean(e && !e.state.selection.empty) }) ?? false;

  return { commentOnSelection, notice, hasSelection, shortcut: commentShortcut().label };
}
