import type { HistoryDiff } from '@tandem/common/api';
import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import type { DiffRange } from '../lib/historyRange';
import type { DocAccess } from './docAccess';
import { historyProblem } from './historyErrors';

/** Answers kept per page: the timeslider replays the same points, and the past never changes. */
const CACHE_SIZE = 200;

export interface DiffState {
  /** The latest answer; while the next one loads it stays on screen (no flicker as the slider moves). */
  diff: HistoryDiff | null;
  /** The range `diff` answers. */
  shown: DiffRange | null;
  loading: boolean;
  error: string | null;
}

const keyOf = (range: DiffRange) => `${range.from}>${range.to}`;

/**
 * Loads the diff for `range` (null: nothing to preview). Past points never change, so their answers are
 * cached; a range ending at `now` is fetched again whenever `generation` moves on.
 */
export function useHistoryDiff(access: DocAccess, range: DiffRange | null, generation: number): DiffState {
  const cache = useRef(new Map<string, HistoryDiff>());
  const [state, setState] = useState<DiffState & { settled: string | null }>({ diff: null, shown: null, loading: false, error: null, settled: null });
  const from = range?.from;
  const to = range?.to;
  const live = from === 'now' || to === 'now';
  const wantedKey = range ? keyOf(range) : null;

  useEffect(() => {
    if (from === undefined || to === undefined) {
      setState({ diff: null, shown: null, loading: false, error: null, settled: null });
      return;
    }
    const wanted: DiffRange = { from, to };
    const key = keyOf(wanted);
    const cached = live ? undefined : cache.current.get(key);
    if (cached) {
      setState({ diff: cached, shown: wanted, loading: false, error: null, settled: key });
      return;
    }
    const controller = new AbortController();
    // A short pause first: dragging the slider passes many points; only the one it stops at is fetched.
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, loading: true, error: null }));
      api.diff(access.id, access.token, from, to, controller.signal).then(
        (diff) => {
          if (controller.signal.aborted) return;
          if (!live) {
            cache.current.set(key, diff);
            if (cache.current.size > CACHE_SIZE) cache.current.delete(cache.current.keys().next().value as string);
          }
          setState({ diff, shown: wanted, loading: false, error: null, settled: key });
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setState((s) => ({ ...s, loading: false, error: historyProblem(err, 'load this version').message, settled: key }));
        },
      );
    }, 80);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [access, from, to, live, live ? generation : 0]);

  // Until the range asked for has an answer (or a failure), the preview is loading — from the first
  // moment, not only once the request is sent, so nothing mistakes the previous answer for this one.
  const { settled, ...shown } = state;
  return { ...shown, loading: shown.loading || (wantedKey !== null && settled !== wantedKey) };
}
