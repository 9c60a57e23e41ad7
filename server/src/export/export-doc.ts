/**
 * Document export: one Y.Doc in, one downloadable file out. The HTTP layer picks the format and the
 * filename; this module only converts.
 */
import { EXPORT_FORMATS, type ExportFormat, type TextExportFormat } from '@tandem/common';
import type { Node as PMNode } from '@tiptap/pm/model';
import type * as Y from 'yjs';
import { toHtml } from './html.js';
import type { ThreadReading } from '../comments/read-threads.js';
import { isoTime, noteTime, placeNotes, type PlacedNotes } from './comment-notes.js';
import { toMarkdown, toMarkdownWithNotes } from './markdown.js';
import { readDoc } from './read-doc.js';
import { withImageSrcs } from './image-srcs.js';

export interface ExportResult<Body = string> {
  contentType: string;
  body: Body;
  /** File extension without the dot. */
  extension: string;
}

/** A DOCX body is packed asynchronously, after the document was read: routes `await` the body. */
export type ExportBody = string | Promise<Uint8Array<ArrayBuffer>>;

export { isExportFormat, type ExportFormat, type TextExportFormat } from '@tandem/common';

export interface ExportOptions {
  /** [CM6] Include the comments: Markdown footnotes, HTML asides, a `comments` list in JSON, notes in text. */
  comments?: boolean;
  /** [UP8] Where each image's `src` points in the file (not applied to JSON, which is the document as stored). */
  imageSrc?: (src: string) => string;
}

/**
 * Never modifies `doc`, and reads it synchronously (a DOCX body is packed afterwards, from what was read).
 * Throws only if the document is structurally unreadable.
 */
export function exportDoc(doc: Y.Doc, format: TextExportFormat, options?: ExportOptions): ExportResult;
export function exportDoc(doc: Y.Doc, format: ExportFormat, options?: ExportOptions): ExportResult<ExportBody>;
export function exportDoc(doc: Y.Doc, format: ExportFormat, options: ExportOptions = {}): ExportResult<ExportBody> {
  const read = readDoc(doc);
  const { title } = read;
  const root = options.imageSrc && format !== 'json' ? withImageSrcs(read.root, options.imageSrc) : read.root;
  const placed = options.comments ? placeNotes(doc, root) : null;
  if (format === 'docx') {
    // The docx library weighs several MB: loaded on the first DOCX export only.
    const body = import('./docx.js').then(({ toDocx }) => toDocx(placed?.root ?? root, title, placed ?? undefined));
    return { ...EXPORT_FORMATS[format], body };
  }
  return { ...EXPORT_FORMATS[format], body: render(format, root, title, placed) };
}

function render(format: TextExportFormat, root: PMNode, title: string, placed: PlacedNotes | null): string {
  switch (format) {
    case 'markdown':
      return placed ? toMarkdownWithNotes(placed, title) : toMarkdown(root, title);
    case 'html':
      return toHtml(root, title, placed ?? undefined);
    case 'json': {
      // Exactly the editor's ProseMirror JSON, so `Node.fromJSON(schema, content)` rebuilds the document.
      const comments = placed ? { comments: placed.notes.map(({ thread }) => threadJson(thread)) } : {};
      return `${JSON.stringify({ title, content: root.toJSON(), ...comments }, null, 2)}\n`;
    }
    case 'text':
      return placed ? toTextWithNotes(placed, title) : toText(root, title);
  }
}

/** A thread as the comments route shows it (ISO times), plus whether its text is gone. */
function threadJson(thread: ThreadReading) {
  const { id, quote, resolved, detached } = thread;
  return { id, quote, resolved, detached, comments: thread.comments.map((c) => ({ ...c, createdAt: isoTime(c.createdAt) || null })) };
}

/** Plain text with `[n]` where commented passages end and the threads listed after the text. */
function toTextWithNotes(placed: PlacedNotes, title: string): string {
  const body = toText(placed.root, title).replace(placed.markers, (_marker, n: string) => `[${n}]`);
  if (placed.notes.length === 0) return body;
  const notes = placed.notes.map(({ n, thread }) => {
    const head = `[${n}] ${thread.quote ? `“${thread.quote.replace(/\s+/g, ' ').trim()}”` : ''}${thread.detached ? ' (text no longer there)' : ''}${thread.resolved ? ' (resolved)' : ''}`;
    const lines = thread.comments.map((c) => `    ${c.author || 'Someone'}${noteTime(c.createdAt) ? ` (${noteTime(c.createdAt)})` : ''}: ${c.body.replace(/\n/g, '\n    ')}`);
    return [head.trimEnd(), ...lines].join('\n');
  });
  return `${body}${body ? '\n' : ''}Comments\n\n${notes.join('\n\n')}\n`;
}

/** Blocks separated by a blank line, hard breaks as line breaks, a horizontal rule as `---`. */
function toText(root: PMNode, title: string): string {
  const body = root.textBetween(0, root.content.size, '\n\n', (leaf) =>
    leaf.type.name === 'hardBreak' ? '\n' : leaf.type.name === 'horizontalRule' ? '---' : '',
  );
  // Empty paragraphs at the edges (the editor keeps one at the end) would only be stray blank lines.
  const text = [title, body.replace(/^\s*\n|\s+$/g, '')].filter((part) => part !== '').join('\n\n');
  return text ? `${text}\n` : '';
}
