import { useState } from 'react';
import { api } from '../../lib/api';
import { problemFromApiError } from '../../lib/errors';
import { docHref } from '../../lib/links';
import { browserStore, recordVisit } from '../../lib/recentDocs';
import { navigate } from '../../lib/router';
import { Icon } from '../Icon';

/** One click: create a document on the server and land in it as its editor. */
export function NewDocButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const doc = await api.createDoc();
      recordVisit(browserStore(), { id: doc.id, token: doc.editToken, scope: 'edit', title: '' });
      navigate(docHref(doc.id, doc.editToken));
    } catch (err) {
      const p = problemFromApiError(err);
      setError(p.kind === 'server-down' ? 'Can’t reach the server. Check your connection and try again.' : p.message);
      setBusy(false);
    }
  };

  return (
    <div className="new-doc">
      <button
        type="button"
        className="btn btn--primary btn--large"
        onClick={() => void create()}
        disabled={busy}
        aria-busy={busy}
        data-testid="new-doc"
      >
        <Icon name="plus" size={20} />
        {busy ? 'Creating…' : 'New document'}
      </button>
      {error && (
        <p className="form-error" role="alert" data-testid="new-doc-error">
          {error}
        </p>
      )}
    </div>
  );
}
