import type { Editor } from '@tiptap/core';
import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { normalizeHref } from '../../editor/linkHref';
import { Icon } from '../Icon';
import { Popover } from '../Popover';

interface Props {
  editor: Editor;
  anchorRef: RefObject<HTMLElement | null>;
  onClose: () => void;
}

/**
 * Add, change, open or remove the link at the selection. With nothing selected, the URL itself is
 * inserted as the link text — pasting a link and pressing Enter should just work.
 */
export function LinkEditor({ editor, anchorRef, onClose }: Props) {
  const current = (editor.getAttributes('link').href as string | undefined) ?? '';
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() === '') {
      editor.chain().focus().extendMarkRange('link').unsetLink().run();
      onClose();
      return;
    }
    const href = normalizeHref(value);
    if (!href) {
      setError('Enter a web address like example.com, or an email address.');
      return;
    }
    const chain = editor.chain().focus().extendMarkRange('link');
    if (editor.state.selection.empty && !editor.isActive('link')) {
      chain.insertContent({ type: 'text', text: value.trim(), marks: [{ type: 'link', attrs: { href } }] }).run();
    } else {
      chain.setLink({ href }).run();
    }
    onClose();
  };

  return (
    <Popover
      open
      onClose={onClose}
      anchorRef={anchorRef}
      label="Edit link"
      align="start"
      className="link-editor"
      restoreFocus={() => editor.commands.focus()}
    >
      <form onSubmit={apply} className="link-editor__form" noValidate>
        <label htmlFor={inputId} className="visually-hidden">
          Link address
        </label>
        <input
          ref={inputRef}
          id={inputId}
          className="input"
          type="url"
          inputMode="url"
          placeholder="Paste or type a link"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          aria-invalid={error !== null}
          data-testid="link-input"
        />
        <button type="submit" className="btn btn--primary" data-testid="link-apply">
          {current ? 'Update' : 'Add link'}
        </button>
        {current && (
          <>
            <a className="icon-btn" href={current} target="_blank" rel="noopener noreferrer" aria-label="Open link in a new tab" title="Open link">
              <Icon name="open" size={16} />
            </a>
            <button
              type="button"
              className="icon-btn"
              aria-label="Remove link"
              title="Remove link"
              onClick={() => {
                editor.chain().focus().extendMarkRange('link').unsetLink().run();
                onClose();
              }}
              data-testid="link-remove"
            >
              <Icon name="trash" size={16} />
            </button>
          </>
        )}
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Popover>
  );
}
