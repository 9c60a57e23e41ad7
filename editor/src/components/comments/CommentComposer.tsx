import { type KeyboardEvent, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { MAX_BODY } from '../../lib/comments';
import { type MentionQuery, insertMention, mentionQueryAt, suggestMentions } from '../../lib/mentions';
import { MOD } from '../doc/toolbarItems';

interface Props {
  /** The field's accessible name, e.g. "Reply". */
  label: string;
  placeholder: string;
  submitLabel: string;
  /** Names to suggest after `@` (people here now, you excluded). */
  names: readonly string[];
  initial?: string;
  autoFocus?: boolean;
  onSubmit: (body: string) => void;
  /** Shown as a Cancel button, and run by Escape. */
  onCancel?: () => void;
  testId: string;
}

/**
 * A comment box: a growing text field that posts with the button or Ctrl/⌘+Enter. Typing `@` lists the
 * people here; arrows pick one, Enter or Tab puts in their name. The list is announced (a live count) and
 * followed with `aria-activedescendant`, so a screen reader hears each name as it is picked.
 */
export function CommentComposer({ label, placeholder, submitLabel, names, initial = '', autoFocus, onSubmit, onCancel, testId }: Props) {
  const [value, setValue] = useState(initial);
  const [mention, setMention] = useState<MentionQuery | null>(null);
  const [picked, setPicked] = useState(0);
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  const caretAfter = useRef<number | null>(null);
  const listId = useId();
  const suggestions = mention ? suggestMentions(names, mention.query) : [];
  const open = suggestions.length > 0;
  const optionId = (i: number) => `${listId}-${i}`;

  useEffect(() => {
    if (!autoFocus) return;
    const field = fieldRef.current;
    field?.focus();
    field?.setSelectionRange(field.value.length, field.value.length);
  }, [autoFocus]);

  // Grow with the text; put the caret after an inserted name.
  useLayoutEffect(() => {
    const field = fieldRef.current;
    if (!field) return;
    field.style.height = 'auto';
    field.style.height = `${field.scrollHeight}px`;
    if (caretAfter.current !== null) {
      field.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = null;
    }
  }, [value]);

  const track = (field: HTMLTextAreaElement) => {
    const next = field.selectionStart === field.selectionEnd ? mentionQueryAt(field.value, field.selectionStart) : null;
    setMention(next);
    if (next?.query !== mention?.query || next?.start !== mention?.start) setPicked(0);
  };

  const choose = (name: string) => {
    const field = fieldRef.current;
    if (!field || !mention) return;
    const result = insertMention(value, mention, field.selectionStart, name);
    caretAfter.current = result.caret;
    setValue(result.text);
    setMention(null);
  };

  const submit = () => {
    const body = value.trim();
    if (!body) return;
    onSubmit(body);
    setValue('');
    setMention(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setPicked((i) => (i + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') {
        event.preventDefault();
        choose(suggestions[Math.min(picked, suggestions.length - 1)]!);
        return;
      }
      if (event.key === 'Escape') {
        // Closes the list only; a second Escape cancels.
        event.preventDefault();
        event.stopPropagation();
        setMention(null);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape' && onCancel) {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="composer__field">
        <textarea
          ref={fieldRef}
          className="composer__input"
          rows={1}
          value={value}
          maxLength={MAX_BODY}
          placeholder={placeholder}
          aria-label={label}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(Math.min(picked, suggestions.length - 1)) : undefined}
          onChange={(e) => {
            setValue(e.target.value);
            track(e.target);
          }}
          onSelect={(e) => track(e.currentTarget)}
          onBlur={() => setMention(null)}
          onKeyDown={onKeyDown}
          data-testid={testId}
        />
        {open && (
          <ul className="mention-list" id={listId} role="listbox" aria-label="People to mention" data-testid="mention-list">
            {suggestions.map((name, i) => (
              <li
                key={name}
                id={optionId(i)}
                role="option"
                aria-selected={i === picked}
                className="mention-list__item"
                // Keep the focus (and the caret) in the field while clicking a name.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(name)}
                data-testid="mention-option"
              >
                @{name}
              </li>
            ))}
          </ul>
        )}
        <span className="visually-hidden" role="status" aria-live="polite">
          {open ? `${suggestions.length} ${suggestions.length === 1 ? 'person' : 'people'} to mention; arrows to pick, Enter to insert` : ''}
        </span>
      </div>
      <div className="composer__actions">
        <span className="composer__hint" aria-hidden="true">
          {MOD}Enter
        </span>
        {onCancel && (
          <button type="button" className="btn btn--small" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="btn btn--primary btn--small" disabled={value.trim() === ''} data-testid={`${testId}-submit`}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
