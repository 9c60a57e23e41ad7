import type { Editor } from '@tiptap/core';
import { useEffect, useState } from 'react';
import { Icon } from '../Icon';

interface Props {
  editor: Editor;
  /** The page (`.doc-paper`) the bubble is placed in; positions are relative to it. */
  container: HTMLElement | null;
  shortcut: string;
  onComment: () => void;
}

/** Whether the selection is one a person is making in this editor now (not one left behind). */
function selecting(editor: Editor): boolean {
  const { selection } = editor.state;
  if (selection.empty || editor.state.doc.textBetween(selection.from, selection.to, ' ').trim() === '') return false;
  if (editor.isEditable) return editor.view.hasFocus();
  // Read-only (comment links): the editor never takes focus; the page's selection has to be inside it.
  const dom = document.getSelection();
  return Boolean(dom && !dom.isCollapsed && dom.anchorNode && editor.view.dom.contains(dom.anchorNode));
}

/**
 * A "Comment" button that floats just below selected text (the bubble menu): the quickest way to comment,
 * and the one that works on phones, where the toolbar is far away.
 */
export function SelectionBubble({ editor, container, shortcut, onComment }: Props) {
  const [at, setAt] = useState<{ top: number; left: number } | null>(null);

  useEffect(() => {
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      // After the browser has laid out the selection (and ProseMirror has read it).
      frame = requestAnimationFrame(() => {
        if (editor.isDestroyed || !container || !selecting(editor)) return setAt(null);
        const box = container.getBoundingClientRect();
        const end = editor.view.coordsAtPos(editor.state.selection.to);
        const left = Math.min(Math.max(end.left - box.left - 20, 0), Math.max(box.width - 120, 0));
        setAt({ top: end.bottom - box.top + 8, left });
      });
    };
    editor.on('selectionUpdate', update);
    editor.on('focus', update);
    editor.on('blur', update);
    document.addEventListener('selectionchange', update);
    return () => {
      cancelAnimationFrame(frame);
      editor.off('selectionUpdate', update);
      editor.off('focus', update);
      editor.off('blur', update);
      document.removeEventListener('selectionchange', update);
    };
  }, [editor, container]);

  if (!at) return null;
  return (
    <div className="comment-bubble" style={{ top: at.top, left: at.left }}>
      <button
        type="button"
        className="btn btn--small comment-bubble__button"
        // Keep the selection (and the editor's focus) while pressing.
        onMouseDown={(e) => e.preventDefault()}
        onClick={onComment}
        title={`Comment (${shortcut})`}
        data-testid="bubble-comment"
      >
        <Icon name="comment" size={16} />
        Comment
      </button>
    </div>
  );
}
