import { describe, expect, it } from 'vitest';
import { formatRelative } from './time';

describe('formatRelative', () => {
  const now = new Date('2026-06-15T12:00:00Z').getTime();
  it('reads naturally', () => {
    expect(formatRelative(now - 10_000, now, 'en')).toBe('just now');
    expect(formatRelative(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatRelative(now - 3 * 3600_000, now, 'en')).toBe('3 hours ago');
    expect(formatRelative(now - 24 * 3600_000, now, 'en')).toBe('yesterday');
  });
  it('falls back to a date for older visits', () => {
    expect(formatRelative(now - 30 * 86400_000, now, 'en')).toMatch(/May 16/);
    expect(formatRelative(new Date('2024-01-02').getTime(), now, 'en')).toMatch(/2024/);
  });
});
