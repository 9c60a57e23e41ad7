import type { HistoryTimeline, VersionInfo } from '@tandem/common/api';
import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { api } from '../lib/api';
import type { DocAccess } from './docAccess';
import { historyProblem } from './historyErrors';

/** While the panel is open, reload the lists this long after the document last changed. */
const REFRESH_AFTER_CHANGE_MS = 2500;

export interface HistoryData {
  /** Newest first; null until loaded. */
  versions: VersionInfo[] | null;
  timeline: HistoryTimeline | null;
  error: string | null;
  /** The server keeps no history (answers 404): say so instead of offering buttons that fail. */
  unavailable: boolean;
  /** Bumped by every completed reload: answers about `now` are stale after it. */
  generation: number;
  refresh: () => void;
}

/** The versions and the timeline of one document, loaded while `open` and kept fresh as it changes. */
export function useHistoryData(access: DocAccess, doc: Y.Doc | null, open: boolean): HistoryData {
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [timeline, setTimeline] = useState<HistoryTimeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [generation, setGeneration] = useState(0);
  const inFlight = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    Promise.all([
      api.listVersions(access.id, access.token, controller.signal),
      api.timeline(access.id, access.token, controller.signal),
    ]).then(
      ([list, line]) => {
        if (controller.signal.aborted) return;
        setVersions(list.versions);
        setTimeline(line);
        setError(null);
        setUnavailable(false);
        setGeneration((g) => g + 1);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const problem = historyProblem(err, 'load the history');
        setError(problem.message);
        setUnavailable(problem.unavailable);
      },
    );
  }, [access]);

  useEffect(() => {
    if (!open) return;
    refresh();
    return () => inFlight.current?.abort();
  }, [open, refresh]);

  // New changes make new timeline points (and, after a pause, versions): follow them while open.
  useEffect(() => {
    if (!open || !doc) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onUpdate = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_AFTER_CHANGE_MS);
    };
    doc.on('update', onUpdate);
    return () => {
      clearTimeout(timer);
      doc.off('update', onUpdate);
    };
  }, [open, doc, refresh]);

  return { versions, timeline, error, unavailable, generation, refresh };
}
