import { useCallback, useEffect, useState } from 'react';
import { type MyDoc, type MyDocsSort, deleteMyDoc, forgetMyDoc, listMyDocs, renameMyDoc } from '../../lib/signIn';
import { docHref } from '../../lib/links';
import { formatRelative } from '../../lib/time';
import { Icon } from '../Icon';
import { Link } from '../Link';

const SORT_LABELS: Record<MyDocsSort, string> = { updated: 'Last edited', opened: 'Last opened', title: 'Title' };

/**
 * "My documents" (server/SPEC.md §ID7): what you created or opened while signed in, on any device. Search by
 * title, sort, rename and delete (documents you may edit), or take one off the list.
 */
export function MyDocuments() {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<MyDocsSort>('updated');
  const [docs, setDocs] = useState<MyDoc[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setDocs(await listMyDocs(query, sort));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [query, sort]);

  useEffect(() => {
    const timer = setTimeout(() => void reload(), 150);
    return () => clearTimeout(timer);
  }, [reload]);

  const act = async (what: () => Promise<void>) => {
    try {
      await what();
    } catch (err) {
      setError((err as Error).message);
    }
    await reload();
  };

  const rename = (doc: MyDoc) => {
    const title = window.prompt('Rename document', doc.title);
    if (title === null || title.trim() === doc.title) return;
    void act(() => renameMyDoc(doc.id, title.trim()));
  };

  const remove = (doc: MyDoc) => {
    if (!window.confirm(`Delete “${doc.title || 'Untitled'}” for everyone? This cannot be undone.`)) return;
    void act(() => deleteMyDoc(doc));
  };

  return (
    <section className="recent my-docs" aria-labelledby="my-docs-heading" data-testid="my-docs">
      <h2 id="my-docs-heading" className="recent__heading">
        My documents
      </h2>
      <div className="my-docs__controls">
        <input
          className="input"
          type="search"
          placeholder="Search titles"
          aria-label="Search titles"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="my-docs-search"
        />
        <select className="input" aria-label="Sort by" value={sort} onChange={(e) => setSort(e.target.value as MyDocsSort)} data-testid="my-docs-sort">
          {(Object.keys(SORT_LABELS) as MyDocsSort[]).map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {docs && docs.length === 0 && (
        <p className="recent__empty" data-testid="my-docs-empty">
          {query ? 'No document has that in its title.' : 'Documents you create or open while signed in show up here, on every device.'}
        </p>
      )}
      {docs && docs.length > 0 && (
        <ul className="recent__list" data-testid="my-docs-list">
          {docs.map((doc) => (
            <li key={doc.id} className="recent__item" data-testid="my-docs-item" data-doc-id={doc.id}>
              <Link className="recent__link" href={docHref(doc.id, doc.token)}>
                <Icon name="file" size={20} className="recent__icon" />
                <span className="recent__text">
                  <span className={doc.title ? 'recent__title' : 'recent__title recent__title--untitled'}>{doc.title || 'Untitled'}</span>
                  <span className="recent__meta">
                    <span>{doc.role === 'created' ? 'Created by you' : 'Shared with you'}</span>
                    <span>Edited {formatRelative(Date.parse(doc.updatedAt))}</span>
                  </span>
                </span>
              </Link>
              {doc.scope === 'edit' && (
                <>
                  <button type="button" className="btn" onClick={() => rename(doc)} data-testid="my-docs-rename">
                    Rename
                  </button>
                  <button type="button" className="btn" onClick={() => remove(doc)} data-testid="my-docs-delete">
                    Delete
                  </button>
                </>
              )}
              <button
                type="button"
                className="icon-btn recent__remove"
                onClick={() => void act(() => forgetMyDoc(doc.id))}
                aria-label={`Remove “${doc.title || 'Untitled'}” from your documents`}
                title="Remove from this list"
              >
                <Icon name="x" size={16} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
