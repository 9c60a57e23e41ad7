import { useState } from 'react';
import { Dialog } from '../Dialog';

interface Props {
  /** The document's title as it reads now ("Untitled" when empty). */
  title: string;
  /** Deletes; resolves to null, or to what went wrong. */
  onDelete: () => Promise<string | null>;
  onClose: () => void;
}

/** Asks before a document is deleted for everyone, naming it, and says it cannot be undone. */
export function DeleteDialog({ title, onDelete, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = title.trim() || 'Untitled';
  const remove = async () => {
    setBusy(true);
    setError(null);
    const problem = await onDelete();
    // On success the page moves on; only a failure comes back here.
    if (problem) {
      setBusy(false);
      setError(problem);
    }
  };
  return (
    <Dialog title="Delete this document?" onClose={() => !busy && onClose()} testId="delete-dialog">
      <div className="dialog__body">
        <p>
          <strong data-testid="delete-dialog-title">{name}</strong> will be deleted for everyone: its text, comments, history and
          versions. Its links stop working, and anyone who has it open sees that it was deleted.
        </p>
        <p className="muted">This cannot be undone.</p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="reset__actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn--danger" onClick={() => void remove()} disabled={busy} data-testid="confirm-delete">
            {busy ? 'Deleting…' : 'Delete document'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
