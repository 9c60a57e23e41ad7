import type { VersionInfo } from '@tandem/common/api';
import { changeSize, groupByDay, timeLabel, versionLabel } from '../../lib/historyFormat';
import { AuthorChip } from './AuthorChip';

interface Props {
  versions: readonly VersionInfo[];
  /** The version being previewed, if any. */
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** The versions, newest first, under their day: each a button that previews it. */
export function VersionList({ versions, selectedId, onSelect }: Props) {
  if (versions.length === 0) {
    return <p className="history__empty">No versions yet. One is kept automatically when editing pauses.</p>;
  }
  return (
    <div className="versions" data-testid="version-list">
      {groupByDay(versions).map((group) => (
        <section key={group.day} className="versions__day" aria-label={group.day}>
          <h3 className="versions__heading">{group.day}</h3>
          <ul className="versions__list">
            {group.versions.map((v) => {
              const size = changeSize(v);
              const selected = v.id === selectedId;
              return (
                <li key={v.id}>
                  <button
                    type="button"
                    className="version"
                    aria-current={selected ? 'true' : undefined}
                    onClick={() => onSelect(v.id)}
                    data-testid="version-item"
                    data-version-id={v.id}
                    data-kind={v.kind}
                  >
                    <span className="version__top">
                      <span className="version__name">{versionLabel(v)}</span>
                      <time className="version__time" dateTime={v.createdAt}>
                        {timeLabel(Date.parse(v.createdAt))}
                      </time>
                    </span>
                    <span className="version__meta">
                      <span className="version__authors">
                        {v.authorDetails.map((a) => (
                          <AuthorChip key={a.name} author={a} />
                        ))}
                      </span>
                      <span className="version__size" title={size.label}>
                        <span className="visually-hidden">{size.label}</span>
                        <span aria-hidden="true">
                          {size.inserted && <span className="version__ins">{size.inserted}</span>} {size.deleted && <span className="version__del">{size.deleted}</span>}
                        </span>
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
