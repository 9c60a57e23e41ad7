/**
 * What the history preview compares: a selection in the panel (a version, or a point on the timeslider)
 * becomes the `from`/`to` pair of `GET …/history/diff`.
 */
import type { HistoryPoint, HistoryTimeline, VersionInfo } from '@tandem/common/api';

export type HistorySelection =
  /** A version, against the one before it (what that version changed) or against now (what changed since). */
  | { kind: 'version'; id: string; compare: 'previous' | 'now' }
  /** The timeslider: the state after the first `n` recorded changes. */
  | { kind: 'point'; n: number };

export interface DiffRange {
  from: HistoryPoint;
  to: HistoryPoint;
}

/** `@n`: the timeslider's name for the state after the first n changes. */
export const atPoint = (n: number): HistoryPoint => `@${n}`;

/**
 * The diff to show for `selection`, or null when it names a version or point that no longer exists.
 * `versions` is newest first, as the server lists them.
 *
 * @example rangeFor({ kind: 'point', n: 12 }, [], timeline) // { from: '@9', to: '@12' } when the point before 12 is 9
 */
export function rangeFor(selection: HistorySelection, versions: readonly VersionInfo[], timeline: HistoryTimeline | null): DiffRange | null {
  if (selection.kind === 'version') {
    const at = versions.findIndex((v) => v.id === selection.id);
    if (at < 0) return null;
    if (selection.compare === 'now') return { from: selection.id, to: 'now' };
    return { from: versions[at + 1]?.id ?? 'start', to: selection.id };
  }
  if (!timeline) return null;
  const index = pointIndex(timeline, selection.n);
  // The latest change is what gets highlighted: compare with the point before (the base for the first).
  const previous = index > 0 ? (timeline.points[index - 1]?.n ?? 0) : 0;
  return { from: atPoint(previous), to: atPoint(selection.n) };
}

/** Index of the timeline point for `n`, or of the nearest one before it (points are thinned). */
export function pointIndex(timeline: HistoryTimeline, n: number): number {
  let found = 0;
  for (let i = 0; i < timeline.points.length; i++) {
    if ((timeline.points[i]?.n ?? 0) <= n) found = i;
    else break;
  }
  return found;
}

/** The time the changes of `versionId` began: when the version before it was made (or null for the first). */
export function versionStart(versions: readonly VersionInfo[], versionId: string): string | null {
  const at = versions.findIndex((v) => v.id === versionId);
  return at < 0 ? null : (versions[at + 1]?.createdAt ?? null);
}
