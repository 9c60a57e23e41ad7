/**
 * Word and character counts. A word is a run of letters, digits, apostrophes or hyphens inside a word
 * (Unicode-aware: "naïve", "l'été", "co-op" are one word each); characters count what the reader sees
 * (user-perceived characters, so an emoji is one), spaces included, block breaks not.
 */
import type { Node as PMNode } from '@tiptap/pm/model';
import type { Selection } from '@tiptap/pm/state';

export interface Counts {
  words: number;
  characters: number;
}

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*/gu;
const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

const add = (a: Counts, b: Counts): Counts => ({ words: a.words + b.words, characters: a.characters + b.characters });

/** Counts in one piece of text. @example countText('Hello, wörld!') // { words: 2, characters: 13 } */
export function countText(text: string): Counts {
  const words = text.match(WORD)?.length ?? 0;
  let characters = 0;
  if (segmenter) for (const _ of segmenter.segment(text)) characters++;
  else characters = Array.from(text).length;
  return { words, characters };
}

/** Counts between two positions of a document; blocks are separated so words do not join across them. */
export function countRange(doc: PMNode, from: number, to: number): Counts {
  const blocks: string[] = [];
  doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isTextblock) return true;
    blocks.push(node.textBetween(Math.max(0, from - pos - 1), Math.min(node.content.size, to - pos - 1), undefined, ' '));
    return false;
  });
  return blocks.map(countText).reduce(add, { words: 0, characters: 0 });
}

/**
 * Counts of what a selection covers, range by range: a table cell selection is one range per cell, and its
 * `from`/`to` span only the first of them (the head cell), so counting from–to would miss the others.
 */
export function countSelection(doc: PMNode, selection: Selection): Counts {
  return selection.ranges.map((r) => countRange(doc, r.$from.pos, r.$to.pos)).reduce(add, { words: 0, characters: 0 });
}
