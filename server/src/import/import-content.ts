/**
 * Turns imported content into a document of the shared schema [IM1][IM2]: one module per format, each
 * result sanitised [IM4] and checked against the schema before anything is created or changed [IM5].
 */
import type { JSONContent } from '@tiptap/core';
import { Node as PMNode } from '@tiptap/pm/model';
import { documentSchema } from '../export/schema.js';
import type { StoredUpload } from '../storage/doc-store.js';
import { docxToHtml } from './docx.js';
import { ImportError, badContent } from './errors.js';
import type { ImportFormat } from './formats.js';
import { HtmlReader } from './html.js';
import { settleImages, type ImageTarget } from './images.js';
import { markdownToBlocks } from './markdown.js';
import { sanitiseJson } from './sanitise.js';
import { textToBlocks } from './text.js';

export interface Imported {
  /** A `doc` node of the shared schema, checked. */
  root: PMNode;
  /** A title the content itself names (an exported HTML page's), or null. */
  title: string | null;
  /** [IM7] The images `root` points at, to be stored as uploads of the target document before it is written. */
  uploads: StoredUpload[];
}

/**
 * Reads `content` (text for the text formats, the file's bytes for docx) as `format`. Throws `ImportError`:
 * 413 past `maxBytes`, 400 when the content cannot be read or does not fit the schema.
 *
 * Images become uploads of `images.docId` [IM7] (returned in `uploads`, not stored).
 *
 * @example await importContent('markdown', '# Plan\n\n- [ ] write it', 2 * 1024 * 1024, { docId, uploadMaxBytes })
 */
export async function importContent(format: ImportFormat, content: string | Uint8Array, maxBytes: number, images: ImageTarget): Promise<Imported> {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.byteLength;
  if (bytes > maxBytes) throw new ImportError(413, 'too_large', `content is larger than the import limit (${maxBytes} bytes)`);
  const { blocks, title } = await readBlocks(format, content);
  const settled = settleImages(blocks, images);
  return { root: toDocNode(settled.blocks), title, uploads: settled.uploads };
}

/** The blocks `content` holds as `format` (not yet checked), and the title it names. */
async function readBlocks(format: ImportFormat, content: string | Uint8Array): Promise<{ blocks: JSONContent[]; title: string | null }> {
  const html = new HtmlReader();
  try {
    switch (format) {
      case 'markdown':
        return { blocks: markdownToBlocks(asText(content), html), title: null };
      case 'text':
        return { blocks: textToBlocks(asText(content)), title: null };
      case 'html':
        return html.read(asText(content));
      case 'docx': {
        if (typeof content === 'string') throw badContent('a .docx file is uploaded as it is, not as text');
        return { blocks: html.read(await docxToHtml(content)).blocks, title: null };
      }
    }
  } finally {
    html.close();
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** An uploaded text file's bytes as text; anything but UTF-8 is refused rather than read as mojibake. */
function asText(content: string | Uint8Array): string {
  if (typeof content === 'string') return content;
  try {
    return utf8.decode(content);
  } catch {
    throw badContent('the file is not UTF-8 text');
  }
}

/** Sanitised [IM4] and checked; no blocks at all is one empty paragraph, as the editor shows it. */
function toDocNode(blocks: JSONContent[]): PMNode {
  const json = sanitiseJson({ type: 'doc', content: blocks });
  if (!json.content?.length) return documentSchema.topNodeType.createAndFill()!;
  try {
    const root = PMNode.fromJSON(documentSchema, json);
    root.check();
    return root;
  } catch (error) {
    throw badContent(`the content does not fit the document: ${(error as Error).message}`);
  }
}
