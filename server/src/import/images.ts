/**
 * [IM7] Images in imported content. Whatever a format produced (Markdown's inline `![…](…)`, an HTML `<img>`,
 * a Word file's picture as a `data:` URI), each image node is settled here, before the schema check:
 * - inline image data (`data:` URIs) passes the upload API's own check (`checkImage`: `UPLOAD_MAX_BYTES`,
 *   type sniffed from the bytes, SVG refused, the whole file walked) and becomes an upload of the document,
 *   addressed by its SHA-256 exactly as `POST …/uploads` answers it [UP2][UP4] — the same bytes twice are one
 *   upload. The bytes are only collected here; the caller stores them once every refusal is behind it.
 * - a remote http(s) image is never fetched by the server (it would let anyone make it request any address,
 *   internal ones included): it becomes a note with the address as a link, as the editor does with a
 *   pasted image it cannot copy [UP7].
 * - the document's own upload (its path, or the URL an export of it writes) stays as it is.
 * - an image that cannot be kept (refused bytes, any other address) becomes a note saying which image and why.
 * An image is never silently lost. Markdown images sit inside paragraphs, where the block `image` node cannot:
 * they are lifted out, splitting the text around them.
 */
import { parseUploadPath, uploadPath } from '@tandem/common';
import type { JSONContent } from '@tiptap/core';
import { documentSchema } from '../export/schema.js';
import { sha256Hex, type StoredUpload } from '../storage/doc-store.js';
import { checkImage, tooLarge } from '../uploads/check-image.js';
import { UploadRefusedError } from '../uploads/image-error.js';

export interface ImageTarget {
  /** The document the images become uploads of (their `src` names it). */
  docId: string;
  /** [UP1] `UPLOAD_MAX_BYTES`: the bound on each image, as for the upload API. */
  uploadMaxBytes: number;
  /**
   * `PUBLIC_URL`: an export names the document's own uploads as absolute URLs under it (with a token) [UP8];
   * read back into the same document, they are its upload paths again — recognised by their text, not fetched.
   */
  publicUrl?: string | undefined;
}

export interface SettledImages {
  blocks: JSONContent[];
  /** The uploads the blocks now point at, each once (by hash), not yet stored. */
  uploads: StoredUpload[];
}

/** Settles every image in `blocks` for `target` (see above); returns new blocks, `blocks` is not changed. */
export function settleImages(blocks: JSONContent[], target: ImageTarget): SettledImages {
  const uploads = new Map<string, StoredUpload>();
  const settle = (node: JSONContent): JSONContent => {
    if (node.type === 'image') return settleImage(node, target, uploads);
    return node.content ? { ...node, content: node.content.map(settle) } : node;
  };
  return { blocks: liftImages(blocks, 'doc').map(settle), uploads: [...uploads.values()] };
}

function settleImage(node: JSONContent, target: ImageTarget, uploads: Map<string, StoredUpload>): JSONContent {
  const src = typeof node.attrs?.['src'] === 'string' ? node.attrs['src'].trim() : '';
  const alt = typeof node.attrs?.['alt'] === 'string' && node.attrs['alt'].trim() ? node.attrs['alt'].replace(/\s+/g, ' ').trim() : null;
  const image = (newSrc: string): JSONContent => ({ type: 'image', attrs: { ...node.attrs, src: newSrc } });
  if (/^data:/i.test(src)) {
    try {
      const bytes = decodeDataUri(src, target.uploadMaxBytes);
      const checked = checkImage(bytes, target.uploadMaxBytes);
      const hash = sha256Hex(bytes);
      if (!uploads.has(hash)) uploads.set(hash, { hash, type: checked.type, bytes });
      return image(uploadPath(target.docId, hash));
    } catch (error) {
      if (!(error instanceof UploadRefusedError)) throw error;
      return note(`${described('An embedded image', alt)} was left out: ${error.message}.`);
    }
  }
  const own = ownUploadPath(src, target);
  if (own) return image(own);
  if (/^https?:\/\/[^\s]+$/i.test(src)) {
    return note(`${described(`An image from ${hostOf(src)}`, alt)} was not copied (the server does not fetch images) — link kept: `, src);
  }
  return note(`${described('An image', alt)} was left out: ${src ? 'its address is not an image the import can read' : 'it has no address'}.`);
}

/** The upload path `src` names when it is one of the target document's, bare or as an export writes it. */
function ownUploadPath(src: string, target: ImageTarget): string | null {
  let path = src;
  if (target.publicUrl && src.startsWith(`${target.publicUrl}/`)) path = src.slice(target.publicUrl.length).replace(/\?token=[^#\s]*$/, '');
  return parseUploadPath(path)?.docId === target.docId ? path : null;
}

/** "An image (“alt”)": which image a note is about. */
const described = (what: string, alt: string | null) => (alt ? `${what} (“${alt}”)` : what);

/** A visible note paragraph, with `href` as a link after the text when given. */
function note(text: string, href?: string): JSONContent {
  const content: JSONContent[] = [{ type: 'text', text }];
  if (href) content.push({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] });
  return { type: 'paragraph', content };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || 'another site';
  } catch {
    return 'another site';
  }
}

/**
 * The bytes of a `data:` URI (base64 or percent-encoded). Refused as the upload API refuses a body: too large
 * (judged from the encoded length, before decoding) or damaged (not valid base64).
 */
export function decodeDataUri(uri: string, maxBytes: number): Uint8Array {
  const comma = uri.indexOf(',');
  if (comma < 0) throw new UploadRefusedError(400, 'bad_image', 'the data: address holds no data');
  const header = uri.slice(5, comma);
  const data = uri.slice(comma + 1);
  if (/;base64$/i.test(header)) {
    const compact = data.replace(/\s+/g, '');
    if (Math.floor((compact.length * 3) / 4) - 2 > maxBytes) throw tooLarge(maxBytes);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw new UploadRefusedError(400, 'bad_image', 'the data: address is not valid base64');
    }
    return Buffer.from(compact, 'base64');
  }
  if (data.length > maxBytes * 3) throw tooLarge(maxBytes);
  try {
    return Buffer.from(decodeURIComponent(data), 'utf8');
  } catch {
    throw new UploadRefusedError(400, 'bad_image', 'the data: address is not valid percent-encoding');
  }
}

/**
 * Blocks with every image inside a textblock (a paragraph, a heading) moved out to a block of its own, the
 * text before and after it kept as textblocks of the same kind. A parent whose first child must be a
 * paragraph (a list item) keeps an empty one before a leading image.
 */
function liftImages(blocks: JSONContent[], parentType: string): JSONContent[] {
  const out: JSONContent[] = [];
  for (const block of blocks) {
    const type = block.type ? documentSchema.nodes[block.type] : undefined;
    if (!block.content || !block.content.some((child) => child.type === 'image') || !type?.isTextblock) {
      out.push(block.content && !type?.isTextblock ? { ...block, content: liftImages(block.content, block.type ?? '') } : block);
      continue;
    }
    let run: JSONContent[] = [];
    const flush = () => {
      const kept = trimBreaks(run);
      if (kept.length > 0 || (out.length === 0 && !firstMayBeImage(parentType))) out.push({ ...block, content: kept });
      run = [];
    };
    for (const child of block.content) {
      if (child.type !== 'image') {
        run.push(child);
        continue;
      }
      flush();
      const { marks: _marks, ...image } = child;
      out.push(image);
    }
    flush();
  }
  return out;
}

/** Whether `parentType` may start with an image (a list item must start with a paragraph). */
function firstMayBeImage(parentType: string): boolean {
  const parent = documentSchema.nodes[parentType];
  const image = documentSchema.nodes['image'];
  return !parent || !image || parent.contentMatch.matchType(image) !== null;
}

/** Inline content without the hard breaks and blank space at its ends, which only separated it from an image. */
function trimBreaks(content: JSONContent[]): JSONContent[] {
  let start = 0;
  let end = content.length;
  const blank = (node: JSONContent) => node.type === 'hardBreak' || (node.type === 'text' && !node.text?.trim());
  while (start < end && blank(content[start]!)) start++;
  while (end > start && blank(content[end - 1]!)) end--;
  const kept = content.slice(start, end);
  // The spaces that separated the text from the image go with it.
  const trimEdge = (i: number, trim: (text: string) => string) => {
    const node = kept[i];
    if (node?.type === 'text' && node.text) kept[i] = { ...node, text: trim(node.text) };
  };
  trimEdge(0, (text) => text.trimStart());
  trimEdge(kept.length - 1, (text) => text.trimEnd());
  return kept;
}
