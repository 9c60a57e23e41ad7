/**
 * Document export: one Y.Doc in, one downloadable file out. The HTTP layer picks the format and the
 * filename; this module only converts.
 */
import { EXPORT_FORMATS, type ExportFormat } from '@tandem/common';
import type { Node as PMNode } from '@tiptap/pm/model';
import type * as Y from 'yjs';
import { toHtml } from './html.js';
import { toMarkdown } from './markdown.js';
import { readDoc } from './read-doc.js';

export interface ExportResult {
  contentType: string;
  body: string;
  /** File extension without the dot. */
  extension: string;
}

export { isExportFormat, type ExportFormat } from '@tandem/common';

/** Never modifies `doc`. Throws only if the document is structurally unreadable. */
export function exportDoc(doc: Y.Doc, format: ExportFormat): ExportResult {
  const { title, root } = readDoc(doc);
  return { ...EXPORT_FORMATS[format], body: render(format, root, title) };
}

function render(format: ExportFormat, root: PMNode, title: string): string {
  switch (format) {
    case 'markdown':
      return toMarkdown(root, title);
    case 'html':
      return toHtml(root, title);
    case 'json':
      // Exactly the editor's ProseMirror JSON, so `Node.fromJSON(schema, content)` rebuilds the document.
      return `${JSON.stringify({ title, content: root.toJSON() }, null, 2)}\n`;
    case 'text':
      return toText(root, title);
  }
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
