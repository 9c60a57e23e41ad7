/**
 * Where each thread card goes in the comments column beside the text: as close as possible to the line it
 * comments on, never overlapping. The active card sits exactly at its line (when it can); the cards above
 * it move up to make room and the cards below move down. Pure: tops in, tops out (pixels in the column).
 */

export interface CardPlacement {
  id: string;
  /** Where the card would like its top (its passage's first line); cards are taken in this order. */
  want: number;
  height: number;
}

/**
 * The top of every card, in the order given (sort by `want` first; detached threads go last with a large
 * `want`). `gap` separates cards; nothing goes above `minTop`.
 *
 * @example layoutCards([{ id: 'a', want: 0, height: 50 }, { id: 'b', want: 10, height: 20 }], null, 8)
 *   // Map { 'a' => 0, 'b' => 58 }
 */
export function layoutCards(cards: readonly CardPlacement[], activeId: string | null, gap: number, minTop = 0): Map<string, number> {
  const tops = cards.map((c) => Math.max(c.want, minTop));
  const active = activeId === null ? -1 : cards.findIndex((c) => c.id === activeId);
  if (active > 0) {
    // Upwards from the active card: each card ends a gap above the next one.
    for (let i = active - 1; i >= 0; i--) {
      tops[i] = Math.min(tops[i]!, tops[i + 1]! - gap - cards[i]!.height);
    }
  }
  // Downwards: no card starts before the previous one ends (and none above minTop). This also pushes the
  // active card down when the cards above it could not fit between it and minTop.
  let floor = minTop;
  for (let i = 0; i < cards.length; i++) {
    tops[i] = Math.max(tops[i]!, floor);
    floor = tops[i]! + cards[i]!.height + gap;
  }
  return new Map(cards.map((c, i) => [c.id, tops[i]!]));
}
