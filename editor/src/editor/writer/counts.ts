/**
 * Word and character counts. A word is a run of letters, digits, apostrophes or hyphens inside a word
 * (Unicode-aware: "naïve", "l'été", "co-op" are one word each); characters count what the reader sees
 * (user-perceived characters, so an emoji is one), spaces included, block breaks not.
 */
import type { Node as PMNode } from '@tiptap/pm/model';

export interface Counts {
  words: number;
  characters: number;
}

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*/gu;
const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

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
  return blocks.map(countText).reduce((a, b) => ({ words: a.words + b.words, characters: a.characters + b.characters }), { words: 0, characters: 0 });
}
