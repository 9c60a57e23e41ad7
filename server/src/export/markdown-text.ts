/**
 * Escaping of plain text for the Markdown export: a backslash only where the character would otherwise be
 * read as syntax, so `a < b && c`, `snake_case`, `C++`, `2 * 3` and `~5 min` stay as they were typed.
 *
 * The serializer renders each text node on its own and then puts mark delimiters around it, moving
 * whitespace at a node's edges outside them (`**bold **` becomes `**bold** `). So a decision may only rest
 * on characters inside the same node and away from its edges; at an edge the neighbour is unknown (a
 * delimiter, another node's text) and the character is escaped. Pairs that need a partner anywhere in the
 * block (`~x~`, `` `x` ``, `++x++`, `*x*`) are looked up in a census of the whole block, which sees every
 * text node, every mark and every link destination in it.
 *
 * Line-start syntax (`#`, `-`, `>`, `1.` …) is handled on the rendered block by `escapeLineStarts`.
 */
import type { JSONContent } from '@tiptap/core';

/** What one inline block (paragraph, heading) holds, for the decisions that need a partner somewhere in it. */
export interface BlockCensus {
  /** How often each character of `COUNTED` occurs in the block's text, link destinations and titles. */
  counts: ReadonlyMap<string, number>;
  /** Characters that mark delimiters in the block emit (`*` for bold and italic, `~` for strike …). */
  emitted: ReadonlySet<string>;
  /** Whether a `<` sits where no escape reaches it: in a code span or a link's title. */
  unescapableLt: boolean;
}

/** Characters that only mean something with a partner: delimiters (see `isLonePartner`) and `>` (see `<`). */
const COUNTED = new Set(['*', '_', '~', '`', '+', '=', '>']);

/** Which delimiter characters each mark's Markdown spelling uses (italic may be written `_x_` too). */
const MARK_DELIMITERS: Record<string, string[]> = { bold: ['*', '_'], italic: ['*', '_'], strike: ['~'], code: ['`'], highlight: ['='], link: ['['] };

/** Nodes the exporter renders as code spans (see `markdown.ts`); their backticks are syntax. */
const CODE_NODE_TYPES = new Set(['exportCodeSpan']);

/**
 * The census of a block from its (prepared) inline content. `inTableCell`: backticks are never lone there,
 * since Tiptap's parser pairs them across the cells of a row.
 */
export function censusOf(block: JSONContent, inTableCell = false): BlockCensus {
  const counts = new Map<string, number>();
  const emitted = new Set<string>(inTableCell ? ['`'] : []);
  let unescapableLt = false;
  const count = (text: string) => {
    for (const c of text) if (COUNTED.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  };
  for (const child of block.content ?? []) {
    if (child.type && CODE_NODE_TYPES.has(child.type)) {
      emitted.add('`');
      // marked's search for `<…>` runs over code spans too (a `>` in one can close a `<` in the text).
      const code = String(child.attrs?.['text'] ?? '');
      count(code);
      unescapableLt ||= code.includes('<');
    }
    if (child.type === 'text') count(child.text ?? '');
    for (const mark of child.marks ?? []) {
      for (const c of MARK_DELIMITERS[mark.type] ?? []) emitted.add(c);
      // A link's destination is consumed by the link, but code spans bind tighter than links, so a
      // backtick there could still pair with one in the text; counting them all is the safe side.
      if (mark.type !== 'link') continue;
      for (const value of Object.values(mark.attrs ?? {})) {
        if (typeof value !== 'string') continue;
        count(value);
        unescapableLt ||= value.includes('<');
      }
    }
  }
  return { counts, emitted, unescapableLt };
}

/**
 * Whether `c` cannot pair with anything in the block: it occurs once there (`+` and `=` fewer than four
 * times, since `++underline++` and `==highlight==` need two pairs) and no mark in the block writes it as a
 * delimiter.
 */
function isLonePartner(c: string, census: BlockCensus | undefined): boolean {
  if (!census || census.emitted.has(c)) return false;
  const n = census.counts.get(c) ?? 0;
  return c === '+' || c === '=' ? n < 4 : n <= 1;
}

const WORD = /[\p{L}\p{N}]/u;
/** What may follow a `]` without making it part of a link, reference or definition. */
const AFTER_BRACKET = /[\s\p{L}\p{N}.,;!?'"’”)\-–—]/u;
const BLANK = /[ \t]/;
/** `&name;`, `&#123;` or `&#x1F;` would be read as a character reference. */
const ENTITY_AFTER_AMPERSAND = /^#?[a-z0-9]+;/i;

/**
 * `text` (one text node, outside code) with a backslash before each character that a Markdown reader
 * would otherwise take for syntax. `inLink`: the node is link text, where brackets must balance;
 * `lastInBlock`: nothing but closing mark delimiters follows the node.
 *
 * @example escapeMarkdownText('a < b && snake_case', undefined, false) // 'a < b && snake_case'
 */
export function escapeMarkdownText(text: string, census: BlockCensus | undefined, inLink: boolean, lastInBlock = false): string {
  // Positions outside [start, end) are whitespace the serializer may move past a delimiter.
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  /** The character at `i` if it is certain to stay next to the one being decided, else undefined. */
  const near = (i: number): string | undefined => (i >= start && i < end && text[i] !== '\n' ? text[i] : undefined);
  const test = (pattern: RegExp, c: string | undefined) => c !== undefined && pattern.test(c);

  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const prev = near(i - 1);
    const next = near(i + 1);
    let escape: boolean;
    switch (c) {
      case '\\':
        // A backslash escapes only ASCII punctuation (or a line end); before a letter or a space it is text.
        escape = !(test(WORD, next) || test(BLANK, next));
        break;
      case '*':
      case '~':
        // Blank on both sides: neither left- nor right-flanking, so it can neither open nor close.
        escape = !(test(BLANK, prev) && test(BLANK, next)) && !isLonePartner(c, census);
        break;
      case '_':
        // Inside a word (or between blanks) `_` can neither open nor close emphasis.
        escape = !((test(WORD, prev) && test(WORD, next)) || (test(BLANK, prev) && test(BLANK, next))) && !isLonePartner(c, census);
        break;
      case '`':
        // marked (Tiptap's parser) ends link text at a backtick that opens no code span.
        escape = inLink || !isLonePartner(c, census);
        break;
      case '+':
      case '=':
        // `++underline++` (Tiptap's parser) and `==highlight==` (written by the exporter, read by the parser).
        escape = text[i + 1] === c && !isLonePartner(c, census);
        break;
      case '[':
        // Inside link text every bracket must balance. Elsewhere no link can form, as `](`, `][` and `]:`
        // are escaped below (a task box `[ ] ` at a line start is `escapeLineStarts`' job) — unless the block
        // holds a link: its own `](` can close a `[` of the text before it (marked lets the text between
        // hold code spans, emphasis and even the link's `[`).
        escape = inLink || (census?.emitted.has('[') ?? false);
        break;
      case ']':
        // Safe before a blank, a word or sentence punctuation; not before `(`, `[` or `:` (a link, a
        // reference, a definition) nor anything unknown. At the end of a node the next one may open a link;
        // at the end of the block nothing follows but closing delimiters. (A blank after it stays next to it
        // or moves past a closing delimiter, neither of which can start a link.)
        escape = inLink || (text[i + 1] === undefined ? !lastInBlock : !AFTER_BRACKET.test(text[i + 1]!));
        break;
      case '(':
        // marked reads `\](` inside link text as a nested link.
        escape = inLink && text[i - 1] === ']';
        break;
      case '>':
        // The other end of marked's `<…>` search: needed only when a `<` in the block cannot be escaped.
        escape = census ? census.unescapableLt : true;
        break;
      case '&':
        escape = ENTITY_AFTER_AMPERSAND.test(text.slice(i + 1));
        break;
      case '<':
        // Inline, a tag, comment or autolink needs a `>` to end it; marked (Tiptap's parser) also hides
        // everything from a `<` not followed by a space to the next `>` from its emphasis search. Without
        // a `>` in the block (emitted tags like `<u>` cannot end one: they start with `<`), `<` is text.
        // An HTML block needs no `>`, but it starts a line: `escapeLineStarts`' job.
        escape = text[i + 1] !== ' ' && (census ? (census.counts.get('>') ?? 0) > 0 : true);
        break;
      default:
        escape = false;
    }
    out += escape ? `\\${c}` : c;
  }
  return out;
}
