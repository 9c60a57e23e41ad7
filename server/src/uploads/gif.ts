/**
 * GIF structure [UP2]: header, logical screen and colour table, then images and extensions (each a run of
 * sub-blocks ending in an empty one), at least one image, and the trailer (0x3B) as the file's last byte.
 */
import { ByteReader } from './byte-reader.js';
import { damaged } from './image-error.js';
import type { ImageInfo } from './image-info.js';

/** Width and height of a whole, well-formed GIF; throws `UploadRefusedError` (400) otherwise. */
export function checkGif(bytes: Uint8Array): ImageInfo {
  const r = new ByteReader(bytes, () => damaged('GIF', 'it is truncated (it ends before its trailer)'));
  const signature = r.ascii(0, 6);
  if (signature !== 'GIF87a' && signature !== 'GIF89a') throw damaged('GIF', 'its header is not GIF87a or GIF89a');
  const width = r.u16le(6);
  const height = r.u16le(8);
  let at = 13 + colourTableBytes(r.u8(10));
  let images = 0;
  for (;;) {
    const block = r.u8(at);
    if (block === 0x3b) {
      at++;
      break;
    }
    if (block === 0x21) {
      at = skipSubBlocks(r, at + 2);
    } else if (block === 0x2c) {
      r.need(at, 10);
      at += 10 + colourTableBytes(r.u8(at + 9));
      const codeSize = r.u8(at);
      if (codeSize < 2 || codeSize > 11) throw damaged('GIF', `an image has LZW code size ${codeSize}`);
      at = skipSubBlocks(r, at + 1);
      images++;
    } else {
      throw damaged('GIF', `unknown block 0x${block.toString(16)} at byte ${at}`);
    }
  }
  if (images === 0) throw damaged('GIF', 'it holds no image');
  if (at !== bytes.length) throw damaged('GIF', `${bytes.length - at} bytes follow its end`);
  if (width === 0 || height === 0) throw damaged('GIF', 'its width or height is 0');
  return { width, height };
}

/** Size of the colour table a packed-fields byte announces (0 when it has none). */
function colourTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}

/** Skips sub-blocks (length byte, then that many bytes) up to and including the empty one. */
function skipSubBlocks(r: ByteReader, at: number): number {
  for (;;) {
    const size = r.u8(at);
    at += 1;
    if (size === 0) return at;
    r.need(at, size);
    at += size;
  }
}
