import { useEffect, useId, useRef } from 'react';
import type { HistoryView } from '../../session/useHistoryView';
import { Icon } from '../Icon';
import { NameVersionForm } from './NameVersionForm';
import { RevertForm } from './RevertForm';
import { Timeslider } from './Timeslider';
import { VersionList } from './VersionList';

interface Props {
  view: HistoryView;
  canEdit: boolean;
  authorsShown: boolean;
  onAuthorsShownChange: (shown: boolean) => void;
  /** Your name, as the history knows you. */
  selfName: string;
  /** Bumped when the panel should take focus (opened, or a preview closed). */
  focusRequest: number;
  onClose: () => void;
}

/**
 * Version history beside the document (a bottom sheet on phones): the timeslider, the versions by day,
 * "Show authors", and for edit links naming, restoring (from the preview) and reverting.
 */
export function HistoryPanel({ view, canEdit, selfName, authorsShown, onAuthorsShownChange, focusRequest, onClose }: Props) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { data, selection } = view;

  useEffect(() => {
    if (focusRequest > 0) headingRef.current?.focus();
  }, [focusRequest]);

  return (
    <aside className="history-panel" aria-labelledby={headingId} data-testid="history-panel">
      <div className="history-panel__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="history-panel__title">
          <Icon name="history" size={18} />
          Version history
        </h2>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close version history" title="Close" data-testid="history-close">
          <Icon name="x" size={18} />
        </button>
      </div>
      <div className="history-panel__body">
        {data.error && (
          <p className={data.unavailable ? 'muted' : 'form-error'} role="alert" data-testid="history-error">
            {data.error}
          </p>
        )}
        {!data.unavailable && (
          <>
            {canEdit && <NameVersionForm onName={view.nameVersion} />}
            {data.timeline && (
              <Timeslider
                timeline={data.timeline}
                n={selection?.kind === 'point' ? selection.n : null}
                onChange={view.selectPoint}
                busy={view.diff.loading}
              />
            )}
            <label className="history__check history__authors">
              <input type="checkbox" checked={authorsShown} onChange={(e) => onAuthorsShownChange(e.target.checked)} data-testid="show-authors" />
              Show authors in the live text
            </label>
            <h3 className="history__section-title">Versions</h3>
            {data.versions ? (
              <VersionList
                versions={data.versions}
                selectedId={selection?.kind === 'version' ? selection.id : null}
                onSelect={(id) => view.select({ kind: 'version', id, compare: selection?.kind === 'version' ? selection.compare : 'previous' })}
              />
            ) : (
              !data.error && (
                <p className="muted" role="status">
                  Loading…
                </p>
              )
            )}
            {canEdit && view.authors.length > 0 && <RevertForm authors={view.authors} defaultSince={view.revertSince} selfName={selfName} onRevert={view.revert} />}
          </>
        )}
      </div>
    </aside>
  );
}
