import type { HistoryDiff, HistoryTimeline, VersionInfo } from '@tandem/common/api';

/** Test data shaped like the server's answers (see @tandem/common/api). */
export function versionOf(over: Partial<VersionInfo> & Pick<VersionInfo, 'id' | 'createdAt'>): VersionInfo {
  return { name: null, kind: 'auto', authors: [], authorDetails: [], inserted: 0, deleted: 0, changes: 0, ...over };
}

export const ALICE = { name: 'Alice', color: '#2563eb' };
export const BOB = { name: 'Bob', color: '#db2777' };

export const timelineOf = (count: number): HistoryTimeline => ({
  total: count * 2,
  authors: [ALICE, BOB],
  points: Array.from({ length: count }, (_, i) => ({ n: (i + 1) * 2, at: Date.UTC(2025, 0, 2, 10, i), author: i % 2 })),
});

export const diffOf = (over: Partial<HistoryDiff> = {}): HistoryDiff => ({
  from: 'v1',
  to: 'now',
  authors: [ALICE, BOB],
  title: [{ text: 'Plan', change: 'same' }],
  blocks: [],
  ...over,
});
