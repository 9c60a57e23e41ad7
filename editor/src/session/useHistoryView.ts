import type { HistoryAuthor, VersionInfo } from '@tandem/common/api';
import { useCallback, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { type Requester, api } from '../lib/api';
import { versionLabel } from '../lib/historyFormat';
import { type HistorySelection, rangeFor, versionStart } from '../lib/historyRange';
import type { Identity } from '../lib/identity';
import type { DocAccess } from './docAccess';
import { historyProblem } from './historyErrors';
import { type DiffState, useHistoryDiff } from './useHistoryDiff';
import { type HistoryData, useHistoryData } from './useHistoryData';

export interface HistoryView {
  open: boolean;
  setOpen: (open: boolean) => void;
  data: HistoryData;
  /** What is previewed in place of the live text; null: live editing. */
  selection: HistorySelection | null;
  select: (selection: HistorySelection | null) => void;
  /** Stable, for the timeslider. */
  selectPoint: (n: number) => void;
  diff: DiffState;
  /** Everyone the history names (timeline and versions), by name. */
  authors: HistoryAuthor[];
  /** Where "Revert changes by…" starts by default (ms). */
  revertSince: number;
  nameVersion: (name: string) => Promise<string | null>;
  restore: (version: VersionInfo) => Promise<string | null>;
  revert: (target: string, sinceIso: string) => Promise<{ ok: boolean; message: string }>;
  /** A short confirmation of the last restore, for a toast. */
  notice: string | null;
}

/** The history panel's state and actions for one open document; `identity` names who restores or reverts. */
export function useHistoryView(access: DocAccess, doc: Y.Doc | null, identity: Identity): HistoryView {
  const [open, setOpenState] = useState(false);
  const [selection, setSelection] = useState<HistorySelection | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [openedAt] = useState(() => Date.now());
  const data = useHistoryData(access, doc, open);
  const versions = data.versions ?? [];
  const range = selection ? rangeFor(selection, versions, data.timeline) : null;
  const diff = useHistoryDiff(access, range, data.generation);
  const requester: Requester = { name: identity.name, color: identity.color };

  const setOpen = useCallback((next: boolean) => {
    setOpenState(next);
    if (!next) setSelection(null);
  }, []);
  const selectPoint = useCallback((n: number) => setSelection({ kind: 'point', n }), []);

  const authors = useMemo(() => {
    const byName = new Map<string, HistoryAuthor>();
    for (const a of data.timeline?.authors ?? []) byName.set(a.name, a);
    for (const v of data.versions ?? []) for (const a of v.authorDetails) if (!byName.has(a.name)) byName.set(a.name, a);
    return [...byName.values()];
  }, [data.timeline, data.versions]);

  const firstChange = data.timeline?.points[0]?.at ?? openedAt - 3600_000;
  let revertSince = firstChange;
  if (selection?.kind === 'version') {
    const start = versionStart(versions, selection.id);
    revertSince = start ? Date.parse(start) : firstChange;
  } else if (selection?.kind === 'point') {
    revertSince = data.timeline?.points.find((p) => p.n >= selection.n)?.at ?? firstChange;
  }

  const nameVersion = async (name: string) => {
    try {
      await api.nameVersion(access.id, access.token, name);
      data.refresh();
      return null;
    } catch (err) {
      return historyProblem(err, 'name this version').message;
    }
  };

  const restore = async (version: VersionInfo) => {
    try {
      await api.restoreVersion(access.id, access.token, version.id, requester);
      // The restored text arrives through the normal sync; go back to it.
      setSelection(null);
      setNotice(`Restored “${versionLabel(version)}”. The state before is kept as a version.`);
      setTimeout(() => setNotice(null), 6000);
      data.refresh();
      return null;
    } catch (err) {
      return historyProblem(err, 'restore this version').message;
    }
  };

  const revert = async (target: string, sinceIso: string) => {
    try {
      const result = await api.revertAuthor(access.id, access.token, target, sinceIso, requester);
      data.refresh();
      if (!result.changed) return { ok: true, message: `${target} had nothing left to undo since then.` };
      setSelection(null);
      return { ok: true, message: `${target}’s changes were reverted. The state before is kept as a version.` };
    } catch (err) {
      return { ok: false, message: historyProblem(err, 'revert these changes').message };
    }
  };

  return {
    open,
    setOpen,
    data,
    selection,
    select: setSelection,
    selectPoint,
    diff,
    authors,
    revertSince,
    nameVersion,
    restore,
    revert,
    notice,
  };
}
