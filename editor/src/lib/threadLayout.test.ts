import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CardPlacement, layoutCards } from './threadLayout';

const tops = (cards: CardPlacement[], active: string | null, gap = 8, minTop = 0) => Object.fromEntries(layoutCards(cards, active, gap, minTop));

describe('layoutCards', () => {
  it('puts cards at their lines when there is room, and stacks them when there is not', () => {
    const cards = [
      { id: 'a', want: 0, height: 50 },
      { id: 'b', want: 200, height: 50 },
      { id: 'c', want: 210, height: 30 },
    ];
    expect(tops(cards, null)).toEqual({ a: 0, b: 200, c: 258 });
  });

  it('aligns the active card with its line and moves the ones above it up', () => {
    const cards = [
      { id: 'a', want: 100, height: 40 },
      { id: 'b', want: 110, height: 40 },
      { id: 'c', want: 120, height: 40 },
    ];
    expect(tops(cards, 'c')).toEqual({ a: 24, b: 72, c: 120 });
  });

  it('never goes above minTop: then the active card is pushed down instead', () => {
    const cards = [
      { id: 'a', want: 10, height: 40 },
      { id: 'b', want: 20, height: 40 },
    ];
    expect(tops(cards, 'b', 8, 10)).toEqual({ a: 10, b: 58 });
  });

  it('never overlaps, keeps the order, and keeps every card at or below its line unless it makes room above the active one', () => {
    const card = fc.record({ want: fc.integer({ min: -50, max: 2000 }), height: fc.integer({ min: 1, max: 300 }) });
    fc.assert(
      fc.property(fc.array(card, { maxLength: 30 }), fc.option(fc.nat()), fc.integer({ min: 0, max: 20 }), (raw, pick, gap) => {
        const cards = raw.sort((x, y) => x.want - y.want).map((c, i) => ({ ...c, id: `t${i}` }));
        const activeIndex = pick === null || cards.length === 0 ? -1 : pick % cards.length;
        const result = layoutCards(cards, activeIndex === -1 ? null : cards[activeIndex]!.id, gap, 0);
        let floor = 0;
        cards.forEach((c, i) => {
          const top = result.get(c.id)!;
          expect(top).toBeGreaterThanOrEqual(floor);
          if (activeIndex === -1 || i >= activeIndex) expect(top).toBeGreaterThanOrEqual(Math.max(0, c.want));
          floor = top + c.height + gap;
        });
      }),
    );
  });
});
