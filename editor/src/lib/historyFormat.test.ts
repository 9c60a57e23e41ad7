import { describe, expect, it } from 'vitest';
import { authorColor, changeSize, dayLabel, fromDateTimeLocal, groupByDay, toDateTimeLocal, versionLabel } from './historyFormat';
import { PALETTE } from './identity';

describe('history formatting', () => {
  it("uses an author's own colour, else a stable palette colour by name", () => {
    expect(authorColor({ name: 'Alice', color: '#123456' })).toBe('#123456');
    const bob = authorColor({ name: 'Bob', color: null });
    expect(PALETTE).toContain(bob);
    expect(authorColor({ name: 'Bob', color: 'red' })).toBe(bob);
  });

  it('labels versions by name or kind', () => {
    expect(versionLabel({ name: ' Draft ', kind: 'named' })).toBe('Draft');
    expect(versionLabel({ name: null, kind: 'auto' })).toBe('Automatic');
    expect(versionLabel({ name: null, kind: 'restore' })).toBe('Before restore');
  });

  it('says how much changed', () => {
    expect(changeSize({ inserted: 1200, deleted: 3 })).toMatchObject({ inserted: '+1,200', deleted: '−3', label: '1,200 added, 3 removed' });
    expect(changeSize({ inserted: 0, deleted: 0 }).label).toBe('No changes');
    expect(changeSize({ inserted: 5, deleted: 0 })).toMatchObject({ inserted: '+5', deleted: '', label: '5 added' });
  });

  it('groups versions under today, yesterday and older days', () => {
    const now = new Date(2025, 5, 10, 15, 0).getTime();
    const at = (d: number, h: number) => new Date(2025, 5, d, h).toISOString();
    const groups = groupByDay([{ createdAt: at(10, 14) }, { createdAt: at(10, 9) }, { createdAt: at(9, 23) }, { createdAt: at(2, 8) }], now);
    expect(groups.map((g) => [g.day, g.versions.length])).toEqual([
      ['Today', 2],
      ['Yesterday', 1],
      [dayLabel(new Date(2025, 5, 2, 8).getTime(), now), 1],
    ]);
    expect(groups[2]?.day).not.toMatch(/2025/);
    expect(dayLabel(new Date(2023, 0, 5).getTime(), now)).toMatch(/2023/);
  });

  it('turns moments into datetime-local values and back, in local time', () => {
    const at = new Date(2025, 2, 4, 9, 5, 7).getTime();
    expect(toDateTimeLocal(at)).toBe('2025-03-04T09:05:07');
    expect(fromDateTimeLocal('2025-03-04T09:05:07')).toBe(new Date(at).toISOString());
    expect(fromDateTimeLocal('2025-03-04T09:05')).toBe(new Date(2025, 2, 4, 9, 5).toISOString());
    expect(fromDateTimeLocal('')).toBeNull();
    expect(fromDateTimeLocal('yesterday')).toBeNull();
  });
});
