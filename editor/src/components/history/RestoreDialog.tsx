import type { VersionInfo } from '@tandem/common/api';
import { useState } from 'react';
import { momentLabel, versionLabel } from '../../lib/historyFormat';
import { Dialog } from '../Dialog';

interface Props {
  version: VersionInfo;
  /** Restores; resolves to null, or to what went wrong. */
  onRestore: () => Promise<string | null>;
  onClose: () => void;
}

/** Asks before a restore, and says it can be undone. */
export function RestoreDialog({ version, onRestore, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const restore = async () => {
    setBusy(true);
    const problem = await onRestore();
    setBusy(false);
    if (problem) setError(problem);
    else onClose();
  };
  return (
    <Dialog title="Restore this version?" onClose={() => !busy && onClose()} testId="restore-dialog">
      <div className="dialog__body">
        <p>
          The text and title become those of <strong>{versionLabel(version)}</strong> ({momentLabel(Date.parse(version.createdAt))}), for
          everyone who has the document open. Comments stay as they are.
        </p>
        <p className="muted">
          You can undo this: the document as it is now is kept first, as a version named “Before restore”.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="reset__actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" onClick={() => void restore()} disabled={busy} data-testid="confirm-restore">
            Restore
          </button>
        </div>
      </div>
    </Dialog>
  );
}
