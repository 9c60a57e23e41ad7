/**
 * WebP structure [UP2]: a RIFF container whose size field equals the file's size, form type WEBP, then
 * chunks (four-character code, little-endian size, data padded to even) that end exactly at the end of the
 * file. The first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended, followed by the image chunks).
 */
import { ByteReader } from './byte-reader.js';
import { damaged } from './image-error.js';
import type { ImageInfo } from './image-info.js';

/** Width and height of a whole, well-formed WebP; throws `UploadRefusedError` (400) otherwise. */
export function checkWebp(bytes: Uint8Array): ImageInfo {
  const r = new ByteReader(bytes, () => damaged('WebP', 'it is truncated (shorter than its RIFF header says)'));
  if (r.ascii(0, 4) !== 'RIFF' || r.ascii(8, 4) !== 'WEBP') throw damaged('WebP', 'it is not a RIFF WEBP file');
  const riffEnd = r.u32le(4) + 8;
  if (riffEnd < bytes.length) throw damaged('WebP', `${bytes.length - riffEnd} bytes follow its end`);
  r.need(0, riffEnd);
  const chunks: { code: string; at: number; size: number }[] = [];
  let at = 12;
  while (at < riffEnd) {
    const code = r.ascii(at, 4);
    const size = r.u32le(at + 4);
    r.need(at + 8, size);
    chunks.push({ code, at: at + 8, size });
    at += 8 + size + (size & 1);
  }
  if (at !== riffEnd) throw damaged('WebP', 'its last chunk runs past the end of the file');
  const first = chunks[0];
  if (!first) throw damaged('WebP', 'it holds no image');
  const info = dimensions(r, first.code, first.at, first.size);
  if (first.code === 'VP8X' && !chunks.some((c) => c.code === 'VP8 ' || c.code === 'VP8L' || c.code === 'ANMF')) {
    throw damaged('WebP', 'it holds no image data');
  }
  if (info.width === 0 || info.height === 0) throw damaged('WebP', 'its width or height is 0');
  return info;
}

function dimensions(r: ByteReader, code: string, at: number, size: number): ImageInfo {
  switch (code) {
    case 'VP8X':
      if (size < 10) throw damaged('WebP', 'its VP8X header is too short');
      return { width: r.u24le(at + 4) + 1, height: r.u24le(at + 7) + 1 };
    case 'VP8L': {
      if (size < 5 || r.u8(at) !== 0x2f) throw damaged('WebP', 'its lossless header is wrong');
      const bits = r.u32le(at + 1);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8 ':
      if (size < 10 || r.u8(at + 3) !== 0x9d || r.u8(at + 4) !== 0x01 || r.u8(at + 5) !== 0x2a) {
        throw damaged('WebP', 'its lossy frame header is wrong');
      }
      return { width: r.u16le(at + 6) & 0x3fff, height: r.u16le(at + 8) & 0x3fff };
    default:
      throw damaged('WebP', `it starts with a ${JSON.stringify(code)} chunk instead of an image`);
  }
}
