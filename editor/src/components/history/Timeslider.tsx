import type { HistoryTimeline } from '@tandem/common/api';
import { useEffect, useId, useState } from 'react';
import { authorName, momentLabel } from '../../lib/historyFormat';
import { pointIndex } from '../../lib/historyRange';
import { Icon } from '../Icon';
import { AuthorChip } from './AuthorChip';

/** Time per step while playing (the next step also waits for the point it shows to arrive). */
export const PLAY_STEP_MS = 650;
/** Playing visits at most about this many points, so a long history plays in well under a minute. */
const PLAY_STEPS = 60;

interface Props {
  timeline: HistoryTimeline;
  /** The point shown (`@n`), or null when the slider is not in use (it then rests at the latest change). */
  n: number | null;
  onChange: (n: number) => void;
  /** The preview is still loading the point shown: playing waits for it. */
  busy: boolean;
}

/** A native range over the recorded changes, with play/pause; the preview shows the state at the point. */
export function Timeslider({ timeline, n, onChange, busy }: Props) {
  const id = useId();
  const [playing, setPlaying] = useState(false);
  const points = timeline.points;
  const last = points.length - 1;
  const index = n === null ? last : pointIndex(timeline, n);
  const point = points[index];
  const stride = Math.max(1, Math.ceil(points.length / PLAY_STEPS));

  // Steady pace: one step per PLAY_STEP_MS, never faster than the points arrive.
  useEffect(() => {
    if (!playing || busy) return;
    if (index >= last) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => onChange((points[Math.min(last, index + stride)] ?? points[last])!.n), PLAY_STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, busy, index, last, stride, points, onChange]);

  if (points.length === 0) return <p className="history__empty">No changes recorded yet.</p>;

  const play = () => {
    // From the start when at the end (or not yet used), else from where it stands.
    if (n === null || index >= last) onChange((points[0] as { n: number }).n);
    setPlaying(true);
  };
  const author = point ? timeline.authors[point.author] : undefined;
  const valueText = point ? `Change ${index + 1} of ${points.length}: ${authorName(author)}, ${momentLabel(point.at)}` : '';

  return (
    <div className="timeslider" data-testid="timeslider" data-playing={playing}>
      <label htmlFor={id} className="history__label">
        Timeline
      </label>
      <div className="timeslider__row">
        <button
          type="button"
          className="icon-btn timeslider__play"
          onClick={() => (playing ? setPlaying(false) : play())}
          aria-label={playing ? 'Pause' : 'Play the changes'}
          title={playing ? 'Pause' : 'Play the changes'}
          data-testid="timeslider-play"
        >
          <Icon name={playing ? 'pause' : 'play'} size={18} />
        </button>
        <input
          id={id}
          type="range"
          className="timeslider__range"
          min={0}
          max={last}
          step={1}
          value={index}
          aria-valuetext={valueText}
          onChange={(event) => {
            setPlaying(false);
            const next = points[Number(event.target.value)];
            if (next) onChange(next.n);
          }}
          data-testid="timeslider-range"
        />
      </div>
      {point && (
        <p className="timeslider__now" data-testid="timeslider-now">
          <time dateTime={new Date(point.at).toISOString()}>{momentLabel(point.at)}</time>
          <AuthorChip author={author} />
          <span className="muted">
            {index + 1}/{points.length}
          </span>
        </p>
      )}
    </div>
  );
}
