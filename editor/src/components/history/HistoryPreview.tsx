import type { HistoryTimeline, VersionInfo } from '@tandem/common/api';
import { useId, useState } from 'react';
import { momentLabel, versionLabel } from '../../lib/historyFormat';
import { type HistorySelection, pointIndex } from '../../lib/historyRange';
import type { DiffState } from '../../session/useHistoryDiff';
import { Icon } from '../Icon';
import { DiffView } from './DiffView';
import { RestoreDialog } from './RestoreDialog';

interface Props {
  selection: HistorySelection;
  versions: readonly VersionInfo[];
  timeline: HistoryTimeline | null;
  state: DiffState;
  canEdit: boolean;
  onCompareChange: (compare: 'previous' | 'now') => void;
  onRestore: (version: VersionInfo) => Promise<string | null>;
  onExit: () => void;
}

/** What the preview shows, in words: "Draft · 14:05", and what it is compared with. */
function describe(selection: HistorySelection, versions: readonly VersionInfo[], timeline: HistoryTimeline | null) {
  if (selection.kind === 'version') {
    const at = versions.findIndex((v) => v.id === selection.id);
    const version = versions[at];
    if (!version) return { title: 'Version', detail: '' };
    const title = `${versionLabel(version)} · ${momentLabel(Date.parse(version.createdAt))}`;
    if (selection.compare === 'now') return { title, detail: 'Showing the document now, with what changed since this version.' };
    const before = versions[at + 1];
    return {
      title,
      detail: before ? `Highlighted: what changed since ${versionLabel(before)} (${momentLabel(Date.parse(before.createdAt))}).` : 'Highlighted: everything written up to this version.',
    };
  }
  const point = timeline?.points[timeline ? pointIndex(timeline, selection.n) : 0];
  return {
    title: point ? `As it was at ${momentLabel(point.at)}` : 'Timeline',
    detail: 'Highlighted: the latest change at this point.',
  };
}

/**
 * The read-only preview that stands in for the live text while history is browsed: what it shows, the
 * comparison toggle, "Restore this version" (edit links), and the way back to the live document.
 */
export function HistoryPreview({ selection, versions, timeline, state, canEdit, onCompareChange, onRestore, onExit }: Props) {
  const compareId = useId();
  const [restoring, setRestoring] = useState(false);
  const version = selection.kind === 'version' ? versions.find((v) => v.id === selection.id) : undefined;
  const { title, detail } = describe(selection, versions, timeline);
  return (
    <section
      className="history-preview"
      aria-label={`Preview: ${title}`} data-testid="history-preview"
      data-loading={state.loading}
      data-from={state.shown?.from}
      data-to={state.shown?.to}
    >
      <div className="history-preview__bar">
        <div className="history-preview__head">
          <div className="history-preview__what">
            <strong className="history-preview__name" data-testid="preview-label">
              {title}
            </strong>
            <span className="history-preview__detail">{detail}</span>
          </div>
          <button type="button" className="btn" onClick={onExit} data-testid="preview-exit" aria-keyshortcuts="Escape">
            <Icon name="back" size={16} />
            Back to live document
          </button>
        </div>
        {selection.kind === 'version' && (
          <div className="history-preview__actions">
            <label className="history__check" htmlFor={compareId}>
              <input
                id={compareId}
                type="checkbox"
                checked={selection.compare === 'now'}
                onChange={(e) => onCompareChange(e.target.checked ? 'now' : 'previous')}
                data-testid="compare-now"
              />
              Compare with now
            </label>
            {canEdit && version && (
              <button type="button" className="btn btn--primary" onClick={() => setRestoring(true)} data-testid="restore-version">
                <Icon name="reset" size={16} />
                Restore this version
              </button>
            )}
          </div>
        )}
      </div>
      {state.error && (
        <p className="form-error" role="alert">
          {state.error}
        </p>
      )}
      {state.diff ? (
        <DiffView diff={state.diff} />
      ) : (
        !state.error && (
          <p className="muted history-preview__loading" role="status">
            Loading…
          </p>
        )
      )}
      {restoring && version && <RestoreDialog version={version} onRestore={() => onRestore(version)} onClose={() => setRestoring(false)} />}
    </section>
  );
}
