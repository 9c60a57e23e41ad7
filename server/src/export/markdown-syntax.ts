/**
 * CommonMark spelling rules for the few constructs `markdown.ts` renders itself. Pure string functions,
 * so each rule is testable on its own.
 */

/**
 * Rules for a line of paragraph text that a Markdown reader would otherwise take for another block.
 * Escaping ASCII punctuation with a backslash is always allowed, so an unneeded escape is harmless;
 * hence `\s` rather than CommonMark's space-or-tab, as marked (Tiptap's parser) also accepts U+00A0.
 */
const LINE_START_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^( {0,3})(#{1,6})(?=\s|$)/, '$1\\$2'], // ATX heading
  [/^( {0,3})([-+*])(?=\s|$)/, '$1\\$2'], // bullet list item
  [/^( {0,3})(>)/, '$1\\$2'], // block quote (text escaping leaves `>` alone everywhere else)
  [/^( {0,3})(\[)(?=[ xX]\](?:\s|$))/, '$1\\$2'], // task box, in the first paragraph of a list item
  [/^( {0,3})(<)(?=[a-z/!?])/i, '$1\\$2'], // HTML block (`<div`, `<!--` … need no `>` to start one)
  // Ordered list item: CommonMark only knows digits, Tiptap's parser also letters and roman numerals.
  [/^( {0,3}(?:\d+|[ivxlcdm]+|[a-z]{1,2}))([.)])(?=\s|$)/i, '$1\\$2'],
  [/^( {0,3})([-=])(?=[-=\s]*$)/, '$1\\$2'], // setext underline or `---` thematic break
  [/^(?=\s*[|:-][|:\-\s]*$)(?=.*-)( {0,3})([|:-])/, '$1\\$2'], // GFM table delimiter row (`|:--|`)
];

/**
 * Escapes block syntax at the start of each line of a rendered paragraph (the first line and every line
 * after a hard break); mark delimiters and list indentation are added outside or before this, so only
 * characters that came from the text itself can match.
 */
export function escapeLineStarts(paragraph: string): string {
  return paragraph
    .split('\n')
    .map((line, i) => {
      // Four columns of indentation would open an indented code block; a paragraph drops leading
      // whitespace when read anyway, so removing it loses nothing.
      const unindented = i === 0 && /^(?: {4}| {0,3}\t)/.test(line) ? line.trimStart() : line;
      const rule = LINE_START_RULES.find(([pattern]) => pattern.test(unindented));
      return rule ? unindented.replace(rule[0], rule[1]) : unindented;
    })
    .join('\n');
}

/** `# Title #` loses its trailing `#`s (an optional closing sequence); escaping the first keeps them. */
export function escapeHeadingEnd(heading: string): string {
  return heading.replace(/^(#{1,6}[ \t](?:.*[ \t])?)(#+[ \t]*)$/, '$1\\$2');
}

/** A code span whose fence is longer than any backtick run inside it, padded where CommonMark strips. */
export function codeSpan(code: string): string {
  // A code span is one line; readers show a line end inside one as a space anyway.
  const text = code.replace(/\r\n?|\n/g, ' ');
  if (text === '') return ''; // `` would be read as two literal backticks
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const stripped = text.length > 1 && text.startsWith(' ') && text.endsWith(' ') && /[^ ]/.test(text);
  // A backslash before the closing fence is code (no escapes in code spans), but marked first takes `\``
  // for an escaped backtick when it looks for emphasis, and then pairs the wrong backticks.
  const pad = text.startsWith('`') || text.endsWith('`') || text.endsWith('\\') || stripped ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block that cannot be closed early by the code inside it. */
export function codeFence(code: string, language: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1));
  // The info string of a backtick fence may not contain backticks, and only its first word is the language.
  const info = language.replace(/[\s`]+/g, '');
  return `${fence}${info}\n${code === '' ? '' : `${code}\n`}${fence}`;
}

/**
 * `[text](destination "title")` around the rendered link text; just the text when there is no href to
 * keep. The destination escapes what would end it early or be decoded as syntax.
 */
export function linkMarkdown(text: string, href: string, title: unknown): string {
  if (href === '') return text;
  const destination = href
    .replace(/[\\()]|&(?=#?[a-z0-9]+;)/gi, '\\$&')
    .replace(/[\u0000-\u0020<>\u007f]/g, (c) => encodeURIComponent(c));
  const label = typeof title === 'string' ? title.replace(/\s+/g, ' ').trim() : '';
  return label === '' ? `[${text}](${destination})` : `[${text}](${destination} "${label.replace(/[\\"]/g, '\\$&')}")`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}
