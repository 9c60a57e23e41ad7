import { type FormEvent, useId, useState } from 'react';
import { Icon } from '../Icon';

/**
 * `MAX_VERSION_NAME_LENGTH` of `@tandem/common/api`, written out: a value imported from there would bundle
 * zod into the page. NameVersionForm.test.tsx keeps the two equal.
 */
export const VERSION_NAME_MAX = 200;

/** "Name current version": keeps the document as it is now under a name (edit links only). */
export function NameVersionForm({ onName }: { onName: (name: string) => Promise<string | null> }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open) {
    return (
      <button type="button" className="btn history__name-btn" onClick={() => setOpen(true)} data-testid="name-version">
        <Icon name="bookmark" size={16} />
        Name current version
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    const problem = await onName(name.trim());
    setBusy(false);
    setError(problem);
    if (!problem) {
      setName('');
      setOpen(false);
    }
  };

  return (
    <form className="history__name-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id} className="history__label">
        Name for the current version
      </label>
      <div className="history__row">
        <input
          id={id}
          className="input"
          value={name}
          maxLength={VERSION_NAME_MAX}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            }
          }}
          placeholder="e.g. Sent to review"
          autoFocus
          data-testid="version-name-input"
        />
        <button type="submit" className="btn btn--primary" disabled={busy || !name.trim()} data-testid="version-name-save">
          Save
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
