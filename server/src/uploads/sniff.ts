/**
 * [UP2] An upload's type, from its first bytes only. SVG is recognised so that its refusal can say why:
 * an SVG is a document that may carry scripts and external references, and sanitising it is not worth the
 * risk for a note-taking app — people convert it to PNG.
 */
import { UploadRefusedError } from './image-error.js';
import { PNG_SIGNATURE } from './png.js';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** The image type the bytes start as; throws `UploadRefusedError` (415) for anything else, SVG included. */
export function sniffImageType(bytes: Uint8Array): ImageType {
  const starts = (sig: readonly number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  const text = (at: number, s: string) => starts([...s].map((c) => c.charCodeAt(0)), at);
  if (starts(PNG_SIGNATURE)) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (text(0, 'GIF87a') || text(0, 'GIF89a')) return 'image/gif';
  if (text(0, 'RIFF') && text(8, 'WEBP')) return 'image/webp';
  if (looksLikeSvg(bytes)) {
    throw new UploadRefusedError(415, 'unsupported_type', 'SVG images are not accepted (they can carry scripts); convert it to PNG first');
  }
  throw new UploadRefusedError(415, 'unsupported_type', 'only PNG, JPEG, GIF and WebP images can be uploaded');
}

/** Markup whose first kilobytes hold an `<svg` tag (after an optional XML declaration, comments or doctype). */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('<') && /<svg[\s>/]/i.test(head);
}
