/**
 * Find and replace, the pure part: where a query matches a string (match case, whole word, regex), and
 * where those matches sit in a ProseMirror document. No view, no state: the find plugin and its tests
 * call these.
 */
import type { Node as PMNode } from '@tiptap/pm/model';

export interface FindOptions {
  matchCase: boolean;
  wholeWord: boolean;
  regex: boolean;
}

export interface TextMatch {
  start: number;
  end: number;
}

/** A query compiled once; `error` instead of a pattern when a regex does not parse. */
export type CompiledQuery = { pattern: RegExp; error?: undefined } | { pattern?: undefined; error: string } | null;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles the query, or returns null for an empty one. Whole word means no letter, digit or `_` right
 * before or after (Unicode-aware, so "café" is a whole word in "un café noir").
 *
 * @example compileQuery('a.b', { regex: true, matchCase: false, wholeWord: false }) // { pattern: /a.b/giu }
 */
export function compileQuery(query: string, options: FindOptions): CompiledQuery {
  if (query === '') return null;
  let source = options.regex ? query : escapeRegExp(query);
  if (options.wholeWord) source = `(?<![\\p{L}\\p{N}_])(?:${source})(?![\\p{L}\\p{N}_])`;
  try {
    return { pattern: new RegExp(source, options.matchCase ? 'gu' : 'giu') };
  } catch (error) {
    return { error: error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : 'Invalid pattern' };
  }
}

/** Every non-overlapping, non-empty match of `pattern` in `text` (a regex that can match "" skips those). */
export function matchesIn(text: string, pattern: RegExp): TextMatch[] {
  const out: TextMatch[] = [];
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex += 1;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

export interface DocMatch {
  from: number;
  to: number;
}

/**
 * Matches in a document, block by block: a match never spans two paragraphs (or table cells). Inline
 * nodes that are not text (a hard break) count as one character that no word contains, so a match
 * cannot run across them either.
 */
export function findInDoc(doc: PMNode, pattern: RegExp): DocMatch[] {
  const out: DocMatch[] = [];
  doc.descendants((block, blockPos) => {
    if (!block.isTextblock) return true;
    let text = '';
    const positions: number[] = [];
    block.forEach((child, offset) => {
      const at = blockPos + 1 + offset;
      if (child.isText) {
        const value = child.text ?? '';
        for (let i = 0; i < value.length; i++) positions.push(at + i);
        text += value;
      } else {
        positions.push(at);
        text += '\n';
      }
    });
    positions.push(blockPos + 1 + block.content.size);
    for (const m of matchesIn(text, pattern)) {
      const from = positions[m.start];
      const to = (positions[m.end - 1] ?? 0) + 1;
      if (from !== undefined) out.push({ from, to });
    }
    return false;
  });
  return out;
}

/**
 * The replacement for one match: with regex on, `$1`, `$&` and `$$` work as in `String.replace`;
 * otherwise the text is used as typed.
 */
export function replacementFor(matched: string, pattern: RegExp, replacement: string, regex: boolean): string {
  if (!regex) return replacement;
  const single = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return matched.replace(single, replacement);
}
