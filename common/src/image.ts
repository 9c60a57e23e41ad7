/**
 * The image node [UP7]: a block holding one picture, `src` (an upload path of its document, as the server
 * answered the upload — never with a token), `alt`, `title` and `width` (CSS pixels, null = as large as
 * the image or the column allows). Editor and export share it through the document schema.
 *
 * `src` is shown only when it is an upload path, an http(s) URL or an inline data: image: anything else
 * (`javascript:`, `file:` …) is rendered without a source, so a hostile peer cannot make an export or an
 * editor load it.
 */
import { mergeAttributes, Node } from '@tiptap/core';

/** Widths the editor offers; a stored width is clamped to [MIN_IMAGE_WIDTH, MAX_IMAGE_WIDTH]. */
export const MIN_IMAGE_WIDTH = 16;
export const MAX_IMAGE_WIDTH = 4096;

const SAFE_SRC = /^(?:\/api\/docs\/[A-Za-z0-9_-]{8,64}\/uploads\/[0-9a-f]{64}|https?:\/\/[^\s]+|data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+)$/i;

/** `src` when it is one an image may show (see above), otherwise null. */
export function safeImageSrc(src: unknown): string | null {
  return typeof src === 'string' && SAFE_SRC.test(src) ? src : null;
}

/** A width attribute as stored: a whole number of pixels within bounds, or null. */
export function imageWidth(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.min(MAX_IMAGE_WIDTH, Math.max(MIN_IMAGE_WIDTH, Math.round(n)));
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export const Image = Node.create({
  name: 'image',
  group: 'block',
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      src: { default: null, renderHTML: (attrs) => (safeImageSrc(attrs['src']) ? { src: attrs['src'] } : {}) },
      alt: { default: null, parseHTML: (el) => text(el.getAttribute('alt')) },
      title: { default: null, parseHTML: (el) => text(el.getAttribute('title')) },
      width: {
        default: null,
        parseHTML: (el) => imageWidth(el.getAttribute('width')),
        renderHTML: (attrs) => (imageWidth(attrs['width']) ? { width: String(imageWidth(attrs['width'])) } : {}),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'img[src]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['img', mergeAttributes(HTMLAttributes)];
  },

  /**
   * [IM7] `![alt](src "title")` read back as an image node. Markdown puts images inline, inside a paragraph;
   * the import lifts them out to blocks of their own (`server/src/import/images.ts`).
   */
  parseMarkdown: (token) => ({
    type: 'image',
    attrs: { src: typeof token.href === 'string' ? token.href : null, alt: text(token.text), title: text(token.title) },
  }),

  /** `![alt](src "title")`; brackets and parentheses escaped so neither can end the syntax early. */
  renderMarkdown: (node) => {
    const src = safeImageSrc(node.attrs?.['src']);
    if (!src) return '';
    const alt = String(node.attrs?.['alt'] ?? '').replace(/[\\[\]]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
    const url = src.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
    const title = text(node.attrs?.['title']);
    return `![${alt}](${url}${title ? ` "${title.replace(/["\\]/g, (c) => `\\${c}`)}"` : ''})`;
  },
});
