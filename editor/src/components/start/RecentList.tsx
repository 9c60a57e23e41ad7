import type { Scope } from '@tandem/common';
import { docHref } from '../../lib/links';
import type { RecentDoc } from '../../lib/recentDocs';
import { formatRelative } from '../../lib/time';
import { Icon } from '../Icon';
import { Link } from '../Link';

const SCOPE_BADGES: Record<Scope, { tone: string; label: string }> = {
  edit: { tone: 'edit', label: 'Can edit' },
  comment: { tone: 'comment', label: 'Can comment' },
  view: { tone: 'view', label: 'View only' },
};

/** Documents opened in this browser, newest first. */
export function RecentList({ docs, onRemove }: { docs: RecentDoc[]; onRemove: (id: string) => void }) {
  return (
    <section className="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="recent__heading">
        Recent documents
      </h2>
      {docs.length === 0 ? (
        <p className="recent__empty" data-testid="recent-empty">
          Documents you create or open will show up here. The list lives only in this browser.
        </p>
      ) : (
        <ul className="recent__list" data-testid="recent-list">
          {docs.map((doc) => (
            <li key={doc.id} className="recent__item" data-testid="recent-item" data-doc-id={doc.id}>
              <Link className="recent__link" href={docHref(doc.id, doc.token)}>
                <Icon name="file" size={20} className="recent__icon" />
                <span className="recent__text">
                  <span className={doc.title ? 'recent__title' : 'recent__title recent__title--untitled'}>
                    {doc.title || 'Untitled'}
                  </span>
                  <span className="recent__meta">
                    <span className={`badge badge--${SCOPE_BADGES[doc.scope].tone}`}>{SCOPE_BADGES[doc.scope].label}</span>
                    <span>Opened {formatRelative(doc.lastOpened)}</span>
                  </span>
                </span>
              </Link>
              <button
                type="button"
                className="icon-btn recent__remove"
                onClick={() => onRemove(doc.id)}
                aria-label={`Remove “${doc.title || 'Untitled'}” from this list`}
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
