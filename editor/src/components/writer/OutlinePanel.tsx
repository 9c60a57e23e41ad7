import type { Editor } from '@tiptap/core';
import { TextSelection } from '@tiptap/pm/state';
import { useEditorState } from '@tiptap/react';
import { useEffect, useId, useRef } from 'react';
import { indentsOf, outlineOf, sameOutline } from '../../editor/writer/outline';
import { Icon } from '../Icon';

interface Props {
  editor: Editor;
  /** Bumped when the panel should take focus (opened from its button). */
  focusRequest: number;
  onClose: () => void;
}

/**
 * The outline: the document's headings as a list (indented by level), kept live as anyone edits. Click or
 * Enter on one puts the cursor at its start and scrolls it into view.
 */
export function OutlinePanel({ editor, focusRequest, onClose }: Props) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const entries = useEditorState({ editor, selector: ({ editor: e }) => outlineOf(e.state.doc), equalityFn: (a, b) => b !== null && sameOutline(a, b) });
  const indents = indentsOf(entries);

  useEffect(() => {
    if (focusRequest > 0) headingRef.current?.focus();
  }, [focusRequest]);

  const jump = (pos: number) => {
    const { state, view } = editor;
    const inside = Math.min(pos + 1, state.doc.content.size);
    view.dispatch(state.tr.setSelection(TextSelection.create(state.doc, inside)).scrollIntoView());
    view.focus();
    // Scroll the heading itself to the top area, not just barely into view.
    const dom = view.nodeDOM(pos);
    if (dom instanceof HTMLElement) dom.scrollIntoView({ block: 'start', behavior: 'smooth' });
  };

  return (
    <aside className="outline-panel" aria-labelledby={headingId} data-testid="outline-panel">
      <div className="outline-panel__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="outline-panel__title">
          <Icon name="outline" />
          Outline
        </h2>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close outline" title="Close" data-testid="outline-close">
          <Icon name="x" />
        </button>
      </div>
      {entries.length === 0 ? (
        <p className="muted outline-panel__empty">Headings you add show up here.</p>
      ) : (
        <ul className="outline-panel__list">
          {entries.map((entry, i) => (
            <li key={`${entry.pos}`} style={{ paddingInlineStart: `${indents[i] ?? 0}rem` }}>
              <button type="button" className={`outline-panel__item outline-panel__item--h${entry.level}`} onClick={() => jump(entry.pos)} data-testid="outline-item">
                {entry.text || <span className="muted">(empty heading)</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
