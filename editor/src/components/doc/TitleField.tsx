import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { MAX_TITLE_LENGTH } from '@tandem/common';
import type * as Y from 'yjs';
import { TitleBinding } from '../../session/titleBinding';

interface Props {
  /** The shared title (the document's `title` Y.Text); the field edits it in place. */
  text: Y.Text;
  /** The title as shown elsewhere: what viewers see, and the hint before the document has synced. */
  title: string;
  editable: boolean;
  /** Enter moves on to the document body, like in every word processor. */
  onEnter: () => void;
  /** Lets the page focus the title (e.g. of a brand-new document). */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  /** False while the page shows something else in its place (a history preview): no layout to measure. */
  shown?: boolean;
}

/**
 * The big title at the top of the page. A textarea (not an input) so long titles wrap instead of
 * scrolling sideways; it grows with its content and never holds a newline. Its value belongs to the
 * `TitleBinding`, not to React: someone else's edit never moves your caret, and undo stays in the title.
 */
export function TitleField({ text, title, editable, onEnter, inputRef, shown = true }: Props) {
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const ref = inputRef ?? ownRef;

  const grow = useCallback(() => {
    const el = ref.current;
    // Hidden, it would measure 0 and stay collapsed when shown again; it grows once it is back.
    if (!el || el.getClientRects().length === 0) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [ref]);

  useEffect(() => {
    const el = ref.current;
    if (!editable || !el) return;
    const binding = new TitleBinding(el, text, { maxLength: MAX_TITLE_LENGTH, onChange: grow });
    grow();
    return () => binding.destroy();
  }, [text, editable, ref, grow]);

  useLayoutEffect(grow, [title, grow, shown]);

  if (!editable) {
    return (
      <h1 className="doc-title doc-title--static" data-testid="title">
        {title.trim() || 'Untitled'}
      </h1>
    );
  }

  return (
    <textarea
      ref={ref}
      className="doc-title"
      rows={1}
      maxLength={MAX_TITLE_LENGTH}
      // Until the document has synced its text is empty: hint at the title the server named.
      placeholder={title.trim() || 'Untitled'}
      aria-label="Document title"
      spellCheck
      onKeyDown={(e) => {
        if (e.key === 'Enter' || (e.key === 'ArrowDown' && e.currentTarget.selectionStart === e.currentTarget.value.length)) {
          e.preventDefault();
          onEnter();
        }
      }}
      data-testid="title"
    />
  );
}
