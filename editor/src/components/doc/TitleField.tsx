import { type RefObject, useLayoutEffect, useRef } from 'react';
import { MAX_TITLE_LENGTH } from '@tandem/common';

interface Props {
  title: string;
  editable: boolean;
  onChange: (title: string) => void;
  /** Enter moves on to the document body, like in every word processor. */
  onEnter: () => void;
  /** Lets the page focus the title (e.g. of a brand-new document). */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}

/**
 * The big title at the top of the page. A textarea (not an input) so long titles wrap instead of
 * scrolling sideways; it grows with its content and never holds a newline.
 */
export function TitleField({ title, editable, onChange, onEnter, inputRef }: Props) {
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const ref = inputRef ?? ownRef;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [title, ref]);

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
      value={title}
      maxLength={MAX_TITLE_LENGTH}
      placeholder="Untitled"
      aria-label="Document title"
      spellCheck
      onChange={(e) => onChange(e.target.value)}
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
