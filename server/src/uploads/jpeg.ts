/**
 * JPEG structure [UP2]: SOI, then marker segments (each with its length), entropy-coded data after each
 * SOS up to the next marker, at least one frame (SOF) and one scan, then EOI as the file's last two bytes.
 * Bytes after EOI — the usual way a JPEG is made to be something else too — are refused.
 */
import { ByteReader } from './byte-reader.js';
import { damaged } from './image-error.js';
import type { ImageInfo } from './image-info.js';

/** SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
const isFrameMarker = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers without a length: RST0–7 and TEM. */
const isStandalone = (m: number) => (m >= 0xd0 && m <= 0xd7) || m === 0x01;

/** Width and height of a whole, well-formed JPEG; throws `UploadRefusedError` (400) otherwise. */
export function checkJpeg(bytes: Uint8Array): ImageInfo {
  const r = new ByteReader(bytes, () => damaged('JPEG', 'it is truncated (it ends before its end-of-image marker)'));
  if (r.u8(0) !== 0xff || r.u8(1) !== 0xd8) throw damaged('JPEG', 'it does not start with a start-of-image marker');
  let at = 2;
  let frame: ImageInfo | null = null;
  let scans = 0;
  for (;;) {
    if (r.u8(at) !== 0xff) throw damaged('JPEG', `no marker where one belongs (byte ${at})`);
    while (r.u8(at + 1) === 0xff) at++; // fill bytes
    const marker = r.u8(at + 1);
    at += 2;
    if (marker === 0xd9) break;
    if (marker === 0xd8 || marker === 0x00) throw damaged('JPEG', `unexpected marker ${marker.toString(16)} (byte ${at - 2})`);
    if (isStandalone(marker)) continue;
    const length = r.u16be(at);
    if (length < 2) throw damaged('JPEG', `a segment claims ${length} bytes`);
    r.need(at, length);
    if (isFrameMarker(marker)) {
      if (length < 8) throw damaged('JPEG', 'its frame header is too short');
      frame = { height: r.u16be(at + 3), width: r.u16be(at + 5) };
    }
    at += length;
    if (marker === 0xda) {
      if (!frame) throw damaged('JPEG', 'a scan comes before the frame header');
      scans++;
      at = endOfEntropyData(r, at);
    }
  }
  if (!frame || scans === 0) throw damaged('JPEG', 'it holds no image');
  if (at !== bytes.length) throw damaged('JPEG', `${bytes.length - at} bytes follow its end`);
  if (frame.width === 0 || frame.height === 0) throw damaged('JPEG', 'its width or height is 0');
  return frame;
}

/** Where the entropy-coded data starting at `at` ends: the first 0xFF that begins a marker (not a stuffed 0 or RST). */
function endOfEntropyData(r: ByteReader, at: number): number {
  const { bytes } = r;
  for (let i = at; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
    return i;
  }
  return r.u8(bytes.length); // runs out: truncated
}
