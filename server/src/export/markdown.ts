/**
 * Markdown export through Tiptap's own serializer (`@tiptap/markdown`'s MarkdownManager, which runs
 * without an editor), registered with the document extensions so node and mark names can never drift.
 *
 * The stock renderers produce Markdown that reads back differently in a few cases; each override below
 * fixes one of them and keeps everything else (lists, task items, quotes, mark nesting) as Tiptap does
 * it, so an import through the same library round-trips (underline aside: it is written as portable
 * `<u>` HTML, which Tiptap's parser keeps as text). Tables are GFM tables (`markdown-table.ts`) and text
 * is escaped only where it would read as syntax (`markdown-text.ts`).
 */
import {
  getExtensionField,
  Node as TiptapNode,
  resolveExtensions,
  type AnyExtension,
  type JSONContent,
  type MarkdownRendererHelpers,
  type RenderContext,
} from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import type { Node as PMNode } from '@tiptap/pm/model';
import { noteTime, type CommentNote, type PlacedNotes } from './comment-notes.js';
import { codeFence, codeSpan, escapeHeadingEnd, escapeLineStarts, linkMarkdown } from './markdown-syntax.js';
import { gfmTable } from './markdown-table.js';
import { censusOf, escapeMarkdownText, type BlockCensus } from './markdown-text.js';
import { documentSchema, exportExtensions } from './schema.js';

type Render = (node: JSONContent, helpers: MarkdownRendererHelpers, ctx: RenderContext) => string;

/** Manager-only inline node carrying a whole code span; see `prepareInline`. Never part of the schema. */
const CODE_SPAN = 'exportCodeSpan';
const CodeSpan = TiptapNode.create({
  name: CODE_SPAN,
  inline: true,
  group: 'inline',
  renderMarkdown: (node) => codeSpan(String(node.attrs?.['text'] ?? '')),
});

/** Manager-only inline node: a line break inside a table cell, where a cell must stay on one line. */
const CELL_BREAK = 'exportCellBreak';
const CellBreak = TiptapNode.create({
  name: CELL_BREAK,
  inline: true,
  group: 'inline',
  renderMarkdown: () => '<br>',
});

const TABLE_CELLS = new Set(['tableCell', 'tableHeader']);
/**
 * Inline blocks inside table cells (filled by `prepare`). A cell is its own inline context, but Tiptap's
 * parser looks for code spans across the whole row before it splits cells, so a lone backtick there could
 * pair with one in another cell.
 */
const cellTextblocks = new WeakSet<JSONContent>();

/** Replacement renderers; `original` is the stock renderer of the same extension. */
const overrides: Record<string, (original: Render) => Render> = {
  // Text may start a line with `#`, `-`, `1.` … which would turn the paragraph into another block; in a
  // table cell (rendered straight from the table, see below) there are no blocks to mistake it for.
  paragraph: (original) => (node, h, ctx) => (ctx.parentType === 'table' ? original(node, h, ctx) : escapeLineStarts(original(node, h, ctx))),
  heading: (original) => (node, h, ctx) => escapeHeadingEnd(original(node, h, ctx)),
  // A backslash survives editors that strip trailing spaces (the stock `  \n` does not), and it can
  // follow another break. A heading is one line, so a break inside one has to be inline HTML.
  hardBreak: () => (_node, _h, ctx) => (ctx.parentType === 'heading' ? '<br>' : '\\\n'),
  // The stock fence is always ``` and breaks on code that contains ``` itself.
  codeBlock: () => (node) =>
    codeFence(
      (node.content ?? []).map((child) => child.text ?? '').join(''),
      typeof node.attrs?.['language'] === 'string' ? node.attrs['language'] : '',
    ),
  // Marks render around a placeholder, so these only see attributes, which is all they need.
  link: () => (node, h) => linkMarkdown(h.renderChildren(node), exportableHref(node.attrs?.['href']), node.attrs?.['title']),
  // `++text++` is a Tiptap-only dialect; inline HTML is what every Markdown renderer understands.
  underline: () => (node, h) => `<u>${h.renderChildren(node)}</u>`,
  // Markdown has no sub/superscript; inline HTML is what renderers show as such. Highlight keeps the
  // stock `==text==` (Tiptap's parser and many renderers read it; others show the text between `==`),
  // text colour and alignment have no Markdown at all, so only their text is written.
  subscript: () => (node, h) => `<sub>${h.renderChildren(node)}</sub>`,
  superscript: () => (node, h) => `<sup>${h.renderChildren(node)}</sup>`,
  // The stock table drops merged cells' columns, leaves pipes unescaped and reads a header column as a
  // header row. Each cell's blocks are rendered here, one after the other (`prepare` made them inline).
  table: () => (node, h) =>
    gfmTable(node, (cell) =>
      (cell.content ?? [])
        .map((block, i) => renderChild(h, block, i))
        .filter((part) => part.trim() !== '')
        .join('<br>'),
    ),
};

/** `renderChild` is optional in the helpers' type; the pinned manager always provides it. */
function renderChild(h: MarkdownRendererHelpers, block: JSONContent, index: number): string {
  if (!h.renderChild) throw new Error('@tiptap/markdown no longer provides renderChild');
  return h.renderChild(block, index);
}

/**
 * The manager flattens `addExtensions` itself, so handing it the already flattened list would register
 * StarterKit's stock children a second time, ahead of the overrides (the first handler wins). Each entry
 * is therefore extended with no children of its own, and with its override if it has one; `extend` keeps
 * the configured options, priority and name.
 */
function forManager(extension: AnyExtension): AnyExtension {
  const override = overrides[extension.name];
  const original = getExtensionField<Render | undefined>(extension, 'renderMarkdown');
  return (extension as TiptapNode).extend({
    addExtensions: () => [],
    ...(override ? { renderMarkdown: override(original ?? (() => '')) } : {}),
  });
}

const manager = new MarkdownManager({
  extensions: [...resolveExtensions(exportExtensions).map(forManager), CodeSpan, CellBreak],
});

/**
 * Text escaping has no extension hook, and the stock one escapes every `_*[]~` and writes `&amp;`, `&lt;`
 * and `&gt;` for characters a reader would show as typed. `markdown-text.ts` escapes only what would be
 * read as syntax, deciding with the text node and its block (`parentNode`: the paragraph or heading).
 * The method is internal (pinned 3.31.3); the export tests and the round-trip property tests fail if a
 * new version renames it or changes its arguments.
 */
type TextEncoder = (text: string, node: JSONContent, parentNode?: JSONContent) => string;
const internals = manager as unknown as { encodeTextForMarkdown?: TextEncoder };
const stockEncoder = internals.encodeTextForMarkdown?.bind(manager);
const censuses = new WeakMap<JSONContent, BlockCensus>();
if (stockEncoder) {
  internals.encodeTextForMarkdown = (text, node, parentNode) => {
    const marks = node.marks ?? [];
    // Text inside code is written as is, by the stock encoder (and code-marked runs never reach here:
    // `prepareInline` makes them code-span nodes).
    if (parentNode?.type === 'codeBlock' || marks.some((m) => m.type === 'code')) return stockEncoder(text, node, parentNode);
    let census = parentNode ? censuses.get(parentNode) : undefined;
    if (parentNode && !census) censuses.set(parentNode, (census = censusOf(parentNode, cellTextblocks.has(parentNode))));
    const siblings = parentNode?.content ?? [];
    return escapeMarkdownText(text, census, marks.some((m) => m.type === 'link'), siblings[siblings.length - 1] === node);
  };
}

/**
 * Renders a `doc` node (with an optional title as a level-1 heading) as Markdown; '' for an empty
 * document, otherwise ending in exactly one newline.
 */
export function toMarkdown(root: PMNode, title: string): string {
  const blocks = trimEmptyParagraphs((root.toJSON() as JSONContent).content ?? []).map((block) => prepare(block));
  if (title) blocks.unshift({ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: title }] });
  const markdown = manager.serialize({ type: 'doc', content: blocks }).replace(/^\n+|\s+$/g, '');
  return markdown ? `${markdown}\n` : '';
}

/**
 * [CM6] Markdown with the comments as footnotes: `[^c<n>]` where each commented passage ends, the threads
 * as footnote definitions after the text (quote, then each comment with its author and time), and a line
 * referring to those whose passage is gone.
 */
export function toMarkdownWithNotes(placed: PlacedNotes, title: string): string {
  const body = toMarkdown(placed.root, title).replace(placed.markers, (_marker, n: string) => `[^c${n}]`);
  if (placed.notes.length === 0) return body;
  const parts = body ? [body.trimEnd()] : [];
  const elsewhere = placed.notes.filter((note) => !note.inline);
  if (elsewhere.length > 0) {
    const line = serializeBlocks([{ type: 'paragraph', content: [{ type: 'text', text: 'Comments on text that is no longer there:' }] }]);
    parts.push(`${line} ${elsewhere.map((note) => `[^c${note.n}]`).join(' ')}`);
  }
  for (const note of placed.notes) parts.push(footnote(note));
  return `${parts.join('\n\n')}\n`;
}

/** One thread as a footnote definition; its later lines indented so they stay in the footnote. */
function footnote({ n, thread }: CommentNote): string {
  const quote = thread.quote.replace(/\s+/g, ' ').trim();
  const head: JSONContent[] = [];
  if (quote) head.push({ type: 'text', text: `“${quote}”`, marks: [{ type: 'italic' }] });
  if (thread.resolved) head.push({ type: 'text', text: head.length ? ' (resolved)' : '(resolved)' });
  const blocks: JSONContent[] = head.length ? [{ type: 'paragraph', content: head }] : [];
  for (const comment of thread.comments) {
    const when = noteTime(comment.createdAt);
    const content: JSONContent[] = [{ type: 'text', text: comment.author || 'Someone', marks: [{ type: 'bold' }] }];
    content.push({ type: 'text', text: `${when ? ` (${when})` : ''}: ${comment.body}` });
    blocks.push({ type: 'paragraph', content });
  }
  const text = serializeBlocks(blocks.length ? blocks : [{ type: 'paragraph', content: [{ type: 'text', text: '(empty thread)' }] }]);
  return `[^c${n}]: ${text.split('\n').map((line, i) => (i === 0 || line === '' ? line : `    ${line}`)).join('\n')}`;
}

/** Blocks through the same serializer as the document, so comment text is escaped like document text. */
function serializeBlocks(blocks: JSONContent[]): string {
  return manager.serialize({ type: 'doc', content: blocks.map((block) => prepare(block)) }).replace(/^\n+|\s+$/g, '');
}

/**
 * The editor keeps an empty paragraph at the end (trailing-node plugin) and people leave blank ones at
 * the edges; in Markdown those would only be stray blank lines or `&nbsp;` paragraphs.
 */
function trimEmptyParagraphs(blocks: JSONContent[]): JSONContent[] {
  const isEmpty = (b: JSONContent | undefined): boolean => b?.type === 'paragraph' && !b.content?.length;
  let start = 0;
  let end = blocks.length;
  while (start < end && isEmpty(blocks[start])) start++;
  while (end > start && isEmpty(blocks[end - 1])) end--;
  return blocks.slice(start, end);
}

function prepare(node: JSONContent, inCell = false): JSONContent {
  if (!node.content || !node.type) return node;
  if (TABLE_CELLS.has(node.type)) return { ...node, content: node.content.flatMap(cellBlocks) };
  const type = documentSchema.nodes[node.type];
  const inline = type?.isTextblock === true && !type.spec.code;
  const prepared = { ...node, content: inline ? prepareInline(node.content, inCell) : node.content.map((child) => prepare(child, inCell)) };
  if (inline && inCell) cellTextblocks.add(prepared);
  return prepared;
}

/**
 * A cell's blocks, made fit for one line of a GFM table: a heading keeps its text, a code block becomes a
 * code span per line, a table nested in a cell gives up its rows and columns but not its text. Lists and
 * quotes keep their Markdown (one `<br>` per line), which reads as what they are.
 */
function cellBlocks(block: JSONContent): JSONContent[] {
  switch (block.type) {
    case 'heading':
      return [prepare({ type: 'paragraph', content: block.content ?? [] }, true)];
    case 'codeBlock': {
      const lines = (block.content ?? []).map((child) => child.text ?? '').join('').split('\n');
      const content = lines.flatMap((line, i) => [...(i > 0 ? [{ type: CELL_BREAK }] : []), ...(line ? [{ type: CODE_SPAN, attrs: { text: line } }] : [])]);
      const paragraph = { type: 'paragraph', content };
      cellTextblocks.add(paragraph);
      return [paragraph];
    }
    case 'table':
      return (block.content ?? []).flatMap((row) => (row.content ?? []).flatMap((cell) => (cell.content ?? []).flatMap(cellBlocks)));
    default:
      return [prepare(block, true)];
  }
}

/**
 * Three fixes that need the text itself, which mark renderers never see:
 * - a run of `code`-marked text becomes one code-span node, so its fence can be longer than any run of
 *   backticks inside it (the stock renderer always uses a single backtick);
 * - trailing hard breaks are dropped: at the end of a paragraph a Markdown break is a literal `\`, and
 *   the editor shows nothing there either;
 * - in a table cell, a hard break is `<br>`, since the cell has to stay on one line.
 */
function prepareInline(content: JSONContent[], inCell: boolean): JSONContent[] {
  const out: JSONContent[] = [];
  for (const child of content) {
    const isCode = child.type === 'text' && child.marks?.some((m) => m.type === 'code') === true;
    const last = out[out.length - 1];
    if (inCell && child.type === 'hardBreak') out.push({ type: CELL_BREAK });
    else if (!isCode) out.push(child);
    else if (last?.type === CODE_SPAN) last.attrs = { text: `${String(last.attrs?.['text'])}${child.text ?? ''}` };
    // `code` excludes every other mark in the schema, so there are none to carry over.
    else out.push({ type: CODE_SPAN, attrs: { text: child.text ?? '' } });
  }
  while (out[out.length - 1]?.type === 'hardBreak' || out[out.length - 1]?.type === CELL_BREAK) out.pop();
  return out;
}

/**
 * The href Tiptap's own HTML rendering would emit: the link mark's `toDOM` blanks URLs with a scheme it
 * does not allow (`javascript:` …), and the Markdown export must not be a way around that.
 */
function exportableHref(href: unknown): string {
  if (typeof href !== 'string' || href === '') return '';
  const linkType = documentSchema.marks['link'];
  const dom = linkType?.spec.toDOM?.(linkType.create({ href }), true);
  const attrs = Array.isArray(dom) ? (dom[1] as Record<string, unknown> | undefined) : undefined;
  return typeof attrs?.['href'] === 'string' ? attrs['href'] : '';
}
