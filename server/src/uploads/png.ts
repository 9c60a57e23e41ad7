/**
 * PNG structure [UP2]: the signature, then chunks (length, type, data, CRC-32 over type and data) from
 * IHDR to IEND, every CRC right, nothing after IEND. Pixels are not decoded: the browser does that, in the
 * sandbox the served image gets [UP6]; what matters here is that the file is one whole PNG and only that.
 */
import { crc32 } from 'node:zlib';
import { ByteReader } from './byte-reader.js';
import { damaged } from './image-error.js';
import type { ImageInfo } from './image-info.js';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The spec's own bound on a chunk length (2^31 − 1). */
const MAX_CHUNK = 0x7fffffff;

/** Width and height of a whole, well-formed PNG; throws `UploadRefusedError` (400) otherwise. */
export function checkPng(bytes: Uint8Array): ImageInfo {
  const r = new ByteReader(bytes, () => damaged('PNG', 'it is truncated (it ends before its IEND chunk)'));
  r.need(0, PNG_SIGNATURE.length);
  let at = PNG_SIGNATURE.length;
  let width = 0;
  let height = 0;
  let sawData = false;
  for (let index = 0; ; index++) {
    const length = r.u32be(at);
    const type = r.ascii(at + 4, 4);
    if (length > MAX_CHUNK) throw damaged('PNG', `chunk ${index} claims ${length} bytes`);
    if (!/^[A-Za-z]{4}$/.test(type)) throw damaged('PNG', `chunk ${index} has an invalid type`);
    r.need(at + 8, length + 4);
    const stored = r.u32be(at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== stored) throw damaged('PNG', `the checksum of its ${type} chunk is wrong`);
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) throw damaged('PNG', 'it does not start with an IHDR chunk');
      width = r.u32be(at + 8);
      height = r.u32be(at + 12);
    } else if (type === 'IHDR') {
      throw damaged('PNG', 'it has a second IHDR chunk');
    }
    if (type === 'IDAT') sawData = true;
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (!sawData) throw damaged('PNG', 'it holds no image data');
  if (at !== bytes.length) throw damaged('PNG', `${bytes.length - at} bytes follow its end`);
  if (width === 0 || height === 0) throw damaged('PNG', 'its width or height is 0');
  return { width, height };
}
