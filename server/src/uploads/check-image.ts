/**
 * What an upload must be to be stored [UP1][UP2][UP3]: at most `maxBytes`, one of the image types we
 * serve, recognised from its own first bytes (a client's Content-Type is never believed), and structurally
 * whole from its first byte to its last — so a truncated file, or an image with something else glued on
 * (a polyglot: a PNG that is also a ZIP, a GIF that is also a script), is refused.
 *
 * Why our own walkers and not a library: `file-type`, `image-size` and the like read a header to name a
 * type or a size and stop there, which is exactly what a truncated or polyglot file passes; the decoders
 * that read everything (sharp/libvips) are native code with a large attack surface of their own. The
 * container formats are small and fully specified, so each walker is a few dozen lines.
 *
 * @example checkImage(bytes, 10 * 1024 * 1024) // → { type: 'image/png', width: 640, height: 480 }
 */
import { checkGif } from './gif.js';
import { UploadRefusedError } from './image-error.js';
import type { ImageInfo } from './image-info.js';
import { checkJpeg } from './jpeg.js';
import { checkPng } from './png.js';
import { sniffImageType, type ImageType } from './sniff.js';
import { checkWebp } from './webp.js';

/** [UP3] Browsers decode every pixel of an image they show; past this, one small file could exhaust a tab. */
export const MAX_IMAGE_PIXELS = 100_000_000;

const CHECKS: Record<ImageType, (bytes: Uint8Array) => ImageInfo> = {
  'image/png': checkPng,
  'image/jpeg': checkJpeg,
  'image/gif': checkGif,
  'image/webp': checkWebp,
};

export interface CheckedImage extends ImageInfo {
  type: ImageType;
}

/** The image's type and size; throws `UploadRefusedError` (413, 415 or 400) for anything we do not store. */
export function checkImage(bytes: Uint8Array, maxBytes: number): CheckedImage {
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  if (bytes.byteLength === 0) throw new UploadRefusedError(400, 'bad_image', 'the file is empty');
  const type = sniffImageType(bytes);
  const info = CHECKS[type](bytes);
  if (info.width * info.height > MAX_IMAGE_PIXELS) {
    throw new UploadRefusedError(413, 'too_large', `the image is ${info.width}×${info.height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} million pixels are accepted`);
  }
  return { type, ...info };
}

/** [UP1] The refusal for a body over the limit (also used while it is still streaming in). */
export function tooLarge(maxBytes: number): UploadRefusedError {
  return new UploadRefusedError(413, 'too_large', `the file is larger than the limit of ${formatBytes(maxBytes)}`);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
