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
    return manager.parse(markdown.replace(/^\uFEFF/, '')).content ?? [];
  } finally {
    activeReader = null;
  }
}
