import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { api } from '../../lib/api';
import { IMPORT_ACCEPT, IMPORT_KINDS, importFailure, importType } from '../../lib/importFile';
import { Dialog } from '../Dialog';

interface Props {
  docId: string;
  token: string;
  /** Who the history names for the change. */
  author: string;
}

export interface ReplaceWithFileHandle {
  /** Opens the file picker; the confirmation follows once a file is chosen. */
  choose(): void;
}

/**
 * "Replace with file…" (edit links): pick a file, confirm, and the document's text becomes the file's for
 * everyone who has it open — one change, which the version history can undo.
 */
export const ReplaceWithFile = forwardRef<ReplaceWithFileHandle, Props>(function ReplaceWithFile({ docId, token, author }, ref) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useImperativeHandle(ref, () => ({ choose: () => input.current?.click() }), []);

  const close = () => {
    setFile(null);
    setError(null);
  };
  const replace = async () => {
    if (!file) return;
    const type = importType(file.name);
    if (!type) return setError(`Choose ${IMPORT_KINDS}.`);
    setBusy(true);
    setError(null);
    try {
      await api.replaceWithFile(docId, token, file, type, author);
      close();
    } catch (err) {
      setError(importFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept={IMPORT_ACCEPT}
        hidden
        data-testid="replace-file-input"
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          event.target.value = '';
          if (chosen) {
            setError(importType(chosen.name) ? null : `Can’t import “${chosen.name}”: choose ${IMPORT_KINDS}.`);
            setFile(chosen);
          }
        }}
      />
      {file && (
        <Dialog title="Replace the text with this file?" onClose={() => !busy && close()} testId="replace-dialog">
          <div className="dialog__body">
            <p>
              The text becomes that of <strong>{file.name}</strong>, for everyone who has the document open. The title and the
              comments stay as they are.
            </p>
            <p className="muted">You can undo this from the version history.</p>
            {error && (
              <p className="form-error" role="alert" data-testid="replace-error">
                {error}
              </p>
            )}
            <div className="reset__actions">
              <button type="button" className="btn" onClick={close} disabled={busy} data-autofocus>
                Cancel
              </button>
              <button type="button" className="btn btn--primary" onClick={() => void replace()} disabled={busy || !importType(file.name)} data-testid="confirm-replace">
                {busy ? 'Replacing…' : 'Replace'}
              </button>
            </div>
          </div>
        </Dialog>
      )}
    </>
  );
});
