import type { HistoryTimeline, VersionInfo } from '@tandem/common/api';
import { describe, expect, it } from 'vitest';
import { pointIndex, rangeFor, versionStart } from './historyRange';

const version = (id: string, createdAt: string): VersionInfo => ({
  id,
  createdAt,
  name: null,
  kind: 'auto',
  authors: [],
  authorDetails: [],
  inserted: 0,
  deleted: 0,
  changes: 0,
});
// Newest first, as the server lists them.
const versions = [version('v3', '2025-01-03T00:00:00Z'), version('v2', '2025-01-02T00:00:00Z'), version('v1', '2025-01-01T00:00:00Z')];
const timeline: HistoryTimeline = {
  total: 30,
  authors: [{ name: 'Alice', color: null }],
  points: [
    { n: 4, at: 1, author: 0 },
    { n: 9, at: 2, author: 0 },
    { n: 30, at: 3, author: 0 },
  ],
};

describe('rangeFor', () => {
  it('compares a version with the one before it, the oldest with the start, or any with now', () => {
    expect(rangeFor({ kind: 'version', id: 'v2', compare: 'previous' }, versions, null)).toEqual({ from: 'v1', to: 'v2' });
    expect(rangeFor({ kind: 'version', id: 'v1', compare: 'previous' }, versions, null)).toEqual({ from: 'start', to: 'v1' });
    expect(rangeFor({ kind: 'version', id: 'v1', compare: 'now' }, versions, null)).toEqual({ from: 'v1', to: 'now' });
    expect(rangeFor({ kind: 'version', id: 'gone', compare: 'now' }, versions, null)).toBeNull();
  });

  it('shows a timeslider point against the point before it, the first one against the base', () => {
    expect(rangeFor({ kind: 'point', n: 9 }, [], timeline)).toEqual({ from: '@4', to: '@9' });
    expect(rangeFor({ kind: 'point', n: 4 }, [], timeline)).toEqual({ from: '@0', to: '@4' });
    expect(rangeFor({ kind: 'point', n: 9 }, [], null)).toBeNull();
  });
});

describe('pointIndex', () => {
  it('finds the point, or the nearest one before it when the timeline was thinned', () => {
    expect(pointIndex(timeline, 9)).toBe(1);
    expect(pointIndex(timeline, 12)).toBe(1);
    expect(pointIndex(timeline, 0)).toBe(0);
    expect(pointIndex(timeline, 99)).toBe(2);
  });
});

describe('versionStart', () => {
  it('is when the version before was made', () => {
    expect(versionStart(versions, 'v3')).toBe('2025-01-02T00:00:00Z');
    expect(versionStart(versions, 'v1')).toBeNull();
  });
});
