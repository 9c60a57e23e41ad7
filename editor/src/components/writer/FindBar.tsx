import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { type KeyboardEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { compileQuery, type FindOptions } from '../../editor/writer/findMatches';
import { findStateOf, replaceAll, replaceCurrent, setFindPattern, stepMatch } from '../../editor/writer/findPlugin';
import { Icon } from '../Icon';

interface Props {
  editor: Editor;
  /** Replace only for those who may edit; a view or comment link finds. */
  canReplace: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  onClose: () => void;
}

const TOGGLES: { id: keyof FindOptions; label: string; text: string }[] = [
  { id: 'matchCase', label: 'Match case', text: 'Aa' },
  { id: 'wholeWord', label: 'Whole word', text: 'W' },
  { id: 'regex', label: 'Regular expression', text: '.*' },
];

/**
 * The find bar (Ctrl/⌘+F): matches highlighted in the text as you type, "3 of 12", Enter and Shift+Enter
 * to step, match case / whole word / regex toggles, and for editors replace and replace all (one undo
 * step). Escape closes it and puts the cursor back in the text.
 */
export function FindBar({ editor, canReplace, inputRef, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [replacement, setReplacement] = useState('');
  const [options, setOptions] = useState<FindOptions>({ matchCase: false, wholeWord: false, regex: false });
  const [replaced, setReplaced] = useState<number | null>(null);
  const errorId = useId();
  const replaceRef = useRef<HTMLInputElement>(null);
  const compiled = compileQuery(query, options);

  const found = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const { matches, current } = findStateOf(e.state);
      return { total: matches.length, current };
    },
    equalityFn: (a, b) => a.total === b?.total && a.current === b.current,
  });

  const pattern = compiled?.pattern ?? null;
  const source = pattern ? `${pattern.source}/${pattern.flags}` : '';
  useEffect(() => {
    setFindPattern(editor, pattern);
  }, [editor, source]);
  useEffect(() => () => setFindPattern(editor, null), [editor]);

  const close = () => {
    onClose();
    editor.commands.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  };
  const onFindKey = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    stepMatch(editor, event.shiftKey ? -1 : 1);
  };

  const count = compiled?.error
    ? ''
    : query === ''
      ? ''
      : found.total === 0
        ? 'No results'
        : `${found.current + 1} of ${found.total}`;

  return (
    <div className="find-bar" role="search" aria-label="Find in document" onKeyDown={onKeyDown} data-testid="find-bar">
      <div className="find-bar__row">
        <input
          ref={inputRef}
          className="find-bar__input"
          type="text"
          aria-label="Find"
          placeholder="Find"
          value={query}
          aria-invalid={compiled?.error ? true : undefined}
          aria-describedby={compiled?.error ? errorId : undefined}
          onChange={(e) => {
            setQuery(e.target.value);
            setReplaced(null);
          }}
          onKeyDown={onFindKey}
          data-testid="find-input"
        />
        <span className="find-bar__count" aria-live="polite" data-testid="find-count">
          {replaced !== null ? `Replaced ${replaced}` : count}
        </span>
        {TOGGLES.map((t) => (
          <button
            key={t.id}
            type="button"
            className="find-bar__toggle"
            aria-label={t.label}
            title={t.label}
            aria-pressed={options[t.id]}
            onClick={() => setOptions((o) => ({ ...o, [t.id]: !o[t.id] }))}
            data-testid={`find-${t.id}`}
          >
            <span aria-hidden="true">{t.text}</span>
          </button>
        ))}
        <button type="button" className="icon-btn" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={found.total === 0} onClick={() => stepMatch(editor, -1)} data-testid="find-prev">
          <Icon name="arrowUp" />
        </button>
        <button type="button" className="icon-btn" aria-label="Next match" title="Next match (Enter)" disabled={found.total === 0} onClick={() => stepMatch(editor, 1)} data-testid="find-next">
          <Icon name="arrowDown" />
        </button>
        <button type="button" className="icon-btn" aria-label="Close find" title="Close (Escape)" onClick={close} data-testid="find-close">
          <Icon name="x" />
        </button>
      </div>
      {compiled?.error && (
        <p id={errorId} className="find-bar__error" role="alert" data-testid="find-error">
          Not a valid regular expression: {compiled.error}
        </p>
      )}
      {canReplace && (
        <div className="find-bar__row">
          <input
            ref={replaceRef}
            className="find-bar__input"
            type="text"
            aria-label="Replace with"
            placeholder="Replace with"
            value={replacement}
            onChange={(e) => setReplacement(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              replaceCurrent(editor, replacement, options.regex);
            }}
            data-testid="replace-input"
          />
          <button
            type="button"
            className="btn btn--small"
            disabled={found.total === 0}
            onClick={() => {
              replaceCurrent(editor, replacement, options.regex);
              if (findStateOf(editor.state).matches.length === 0) replaceRef.current?.focus();
            }}
            data-testid="replace-one"
          >
            Replace
          </button>
          <button
            type="button"
            className="btn btn--small"
            disabled={found.total === 0}
            onClick={() => {
              setReplaced(replaceAll(editor, replacement, options.regex));
              // The button is disabled now that nothing matches; keep the focus in the bar, not on the page.
              replaceRef.current?.focus();
            }}
            data-testid="replace-all"
          >
            Replace all
          </button>
        </div>
      )}
    </div>
  );
}
