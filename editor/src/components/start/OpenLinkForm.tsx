import { type FormEvent, useId, useState } from 'react';
import { docHref, parseShareLink } from '../../lib/links';
import { navigate } from '../../lib/router';

/** Paste a share link someone sent you (handy on a phone, where the link arrived in another app). */
export function OpenLinkForm() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const link = parseShareLink(value, window.location.origin);
    if (!link) {
      setError('That doesn’t look like a Tandem document link.');
      return;
    }
    if (!link.token) {
      setError('This link is missing its access key (the part after “#token=”).');
      return;
    }
    navigate(docHref(link.id, link.token));
  };

  return (
    <form className="open-link" onSubmit={submit} noValidate>
      <label htmlFor={inputId} className="open-link__label">
        Have a link?
      </label>
      <div className="open-link__row">
        <input
          id={inputId}
          className="input"
          type="url"
          inputMode="url"
          placeholder="Paste a document link"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          data-testid="open-link-input"
        />
        <button type="submit" className="btn" disabled={value.trim() === ''}>
          Open
        </button>
      </div>
      {error && (
        <p id={errorId} className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
