import type { HistoryAuthor } from '@tandem/common/api';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { authorName, fromDateTimeLocal, momentLabel, toDateTimeLocal } from '../../lib/historyFormat';
import { Dialog } from '../Dialog';

interface Props {
  /** Everyone the history names, to choose from. */
  authors: readonly HistoryAuthor[];
  /** Where the time starts (ms): the start of the selected version, or of the history. */
  defaultSince: number;
  /** Your own name: someone else is the likelier choice, so they come preselected. */
  selfName: string;
  /** Reverts; resolves to the notice to show (what happened, or what went wrong). */
  onRevert: (target: string, sinceIso: string) => Promise<{ ok: boolean; message: string }>;
}

/** "Revert changes by…": undo one person's changes since a time, keeping everyone else's (edit links only). */
export function RevertForm({ authors, defaultSince, selfName, onRevert }: Props) {
  const authorId = useId();
  const sinceId = useId();
  const preferred = (authors.find((a) => a.name !== selfName) ?? authors[0])?.name ?? '';
  const [target, setTarget] = useState(preferred);
  const [since, setSince] = useState(() => toDateTimeLocal(defaultSince));
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);

  // A new selection in the panel moves the default start with it.
  useEffect(() => setSince(toDateTimeLocal(defaultSince)), [defaultSince]);
  useEffect(() => {
    if (!authors.some((a) => a.name === target)) setTarget(preferred);
  }, [authors, target, preferred]);

  const sinceIso = fromDateTimeLocal(since);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (target && sinceIso) setConfirming(true);
  };
  const revert = async () => {
    if (!sinceIso) return;
    setBusy(true);
    const result = await onRevert(target, sinceIso);
    setBusy(false);
    setConfirming(false);
    setNotice(result);
  };

  if (authors.length === 0) return null;
  return (
    <form className="history__revert" onSubmit={submit} aria-labelledby={`${authorId}-heading`}>
      <h3 id={`${authorId}-heading`} className="history__section-title">
        Revert changes by…
      </h3>
      <div className="history__field">
        <label htmlFor={authorId} className="history__label">
          Author
        </label>
        <select id={authorId} className="input" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="revert-author">
          {authors.map((a) => (
            <option key={a.name} value={a.name}>
              {authorName(a)}
            </option>
          ))}
        </select>
      </div>
      <div className="history__field">
        <label htmlFor={sinceId} className="history__label">
          Since
        </label>
        <input
          id={sinceId}
          className="input"
          type="datetime-local"
          step={1}
          value={since}
          onChange={(e) => setSince(e.target.value)}
          aria-invalid={sinceIso ? undefined : true}
          data-testid="revert-since"
        />
      </div>
      <button type="submit" className="btn" disabled={!target || !sinceIso} data-testid="revert-start">
        Revert…
      </button>
      {notice && (
        <p className={notice.ok ? 'notice notice--ok' : 'form-error'} role={notice.ok ? 'status' : 'alert'} data-testid="revert-notice">
          {notice.message}
        </p>
      )}
      {confirming && sinceIso && (
        <Dialog title={`Revert ${target}’s changes?`} onClose={() => !busy && setConfirming(false)} testId="revert-dialog">
          <div className="dialog__body">
            <p>
              Everything <strong>{target}</strong> wrote or deleted since <strong>{momentLabel(Date.parse(sinceIso))}</strong> is undone;
              everyone else’s edits stay.
            </p>
            <p className="muted">You can undo this: a version of the document as it is now is kept first.</p>
            <div className="reset__actions">
              <button type="button" className="btn" onClick={() => setConfirming(false)} disabled={busy} data-autofocus>
                Cancel
              </button>
              <button type="button" className="btn btn--danger" onClick={() => void revert()} disabled={busy} data-testid="confirm-revert">
                Revert changes
              </button>
            </div>
          </div>
        </Dialog>
      )}
    </form>
  );
}
