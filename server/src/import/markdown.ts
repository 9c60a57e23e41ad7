/**
 * [IM2] Markdown import through the same library and extension list the export writes with
 * (`@tiptap/markdown`'s MarkdownManager, GFM tables and task lists included), so what the export writes
 * reads back as the same document. Raw HTML in the Markdown (the export's own `<u>` and `<br>` in table
 * cells, or anything an author typed) goes through the HTML import and its sanitising step [IM4]; the
 * stock manager would need a browser `window` for that and otherwise keeps it as literal text.
 */
import type { JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { exportExtensions } from '../export/schema.js';
import type { HtmlReader } from './html.js';

interface HtmlToken {
  text?: string;
  raw?: string;
  block?: boolean;
}

/** The manager's own helpers the HTML hook below reuses (internal API, pinned 3.31.3; tests cover it). */
interface ManagerInternals {
  parseHTMLToken(token: HtmlToken): JSONContent | JSONContent[] | null;
  isUnrecognizedHtml(html: string): boolean;
  htmlAsLiteralText(html: string, isBlock: boolean): JSONContent | null;
  toInlineContent(content: JSONContent[]): JSONContent[];
}

const manager = new MarkdownManager({ extensions: exportExtensions });
const internals = manager as unknown as ManagerInternals;
if (typeof internals.parseHTMLToken !== 'function' || typeof internals.toInlineContent !== 'function') {
  throw new Error('@tiptap/markdown no longer has the HTML hooks the import relies on');
}

/** The reader HTML tokens go to while `markdownToBlocks` runs (parsing is synchronous). */
let activeReader: HtmlReader | null = null;

internals.parseHTMLToken = (token) => {
  const html = token.text || token.raw || '';
  if (!html.trim() || !activeReader) return null;
  // Tags that are no HTML at all (`<enter name>`) are text someone typed, as the stock manager keeps them.
  if (internals.isUnrecognizedHtml(html)) return internals.htmlAsLiteralText(html, !!token.block);
  const blocks = activeReader.readFragment(html);
  if (token.block) return blocks;
  const inline = internals.toInlineContent(blocks);
  return inline.length > 0 ? inline : null;
};

/** The blocks of a Markdown text (not yet checked against the schema or sanitised). */
export function markdownToBlocks(markdown: string, html: HtmlReader): JSONContent[] {
  activeReader = html;
  try {
    return markdownChunks(markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')).flatMap((chunk) => manager.parse(chunk).content ?? []);
  } finally {
    activeReader = null;
  }
}

/**
 * The manager's parse time grows faster than the text (measured, CPU time: 64 KiB 0.4 s, 256 KiB 1.5 s,
 * 1 MiB 30 s), while each chunk of ~32 KiB costs little. So the text is cut into chunks where a cut cannot
 * change how it reads: at a blank line outside fenced code and raw HTML blocks, before a line that starts a new
 * top-level block on its own (not indented, not a list item, quote or table row, which could continue what
 * came before). A text with link reference or footnote definitions (which reach across the whole text) is
 * parsed whole.
 */
export function markdownChunks(markdown: string, target = CHUNK_CHARS): string[] {
  if (markdown.length <= target || /^ {0,3}\[[^\]\n]+\]:/m.test(markdown)) return [markdown];
  const lines = markdown.split('\n');
  const chunks: string[] = [];
  let start = 0;
  let size = 0;
  let open: RegExp | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    size += line.length + 1;
    if (open) {
      if (open.test(line)) open = null;
      continue;
    }
    open = openerOf(line);
    if (open || size < target || line.trim() !== '' || i + 1 >= lines.length || !startsOwnBlock(lines[i + 1]!)) continue;
    chunks.push(lines.slice(start, i + 1).join('\n'));
    start = i + 1;
    size = 0;
  }
  chunks.push(lines.slice(start).join('\n'));
  return chunks;
}

const CHUNK_CHARS = 32 * 1024;

/** What closes the block `line` opens when blank lines do not (a code fence, raw HTML of CommonMark kinds 1–5). */
function openerOf(line: string): RegExp | null {
  const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
  if (fence) return new RegExp(`^ {0,3}${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}\\s*$`);
  const raw = /^ {0,3}<(script|pre|style|textarea)(\s|>|$)/i.exec(line);
  if (raw && !new RegExp(`</${raw[1]}>`, 'i').test(line)) return new RegExp(`</${raw[1]}>`, 'i');
  if (/^ {0,3}<!--/.test(line) && !line.includes('-->')) return /-->/;
  return null;
}

function startsOwnBlock(line: string): boolean {
  return line.trim() !== '' && !/^\s/.test(line) && !/^([-*+]|\d{1,9}[.)])(\s|$)/.test(line) && !/^[|>]/.test(line);
}
