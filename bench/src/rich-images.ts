import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/**
 * The images of the `rich-doc` scenario, generated here (no image library): real PNG files — signature, IHDR,
 * IDAT (zlib), IEND, every chunk with its CRC-32 — that Tandem's upload check walks like any other [UP2], and
 * the files it must refuse [UP1–UP3].
 */

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A PNG of `width` × `height` RGB pixels; `fill(raw, stride)` writes the rows' bytes (each row's first byte is
 * its filter, left 0: none). `level` is zlib's (0 = stored); `claimed` writes other dimensions into IHDR.
 */
export function encodePng(width: number, height: number, fill: (raw: Buffer, stride: number) => void, level = 6, claimed?: { width: number; height: number }): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  fill(raw, stride);
  for (let y = 0; y < height; y++) raw[y * stride] = 0;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(claimed?.width ?? width, 0);
  ihdr.writeUInt32BE(claimed?.height ?? height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level })), chunk('IEND', new Uint8Array(0))]);
}

/** A small deterministic PRNG (mulberry32): the same images, hence the same hashes, in every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface BenchImage {
  bytes: Buffer;
  width: number;
  height: number;
  /** SHA-256, lower-case hex: the name Tandem stores it under [UP4]. */
  hash: string;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * `count` distinct PNGs from 48 to ~240 px a side: a gradient under noise, so they barely compress (roughly
 * 6–140 KB each, like small screenshots).
 */
export function benchImages(count: number): BenchImage[] {
  return Array.from({ length: count }, (_, i) => {
    const next = prng(i + 1);
    const width = 48 + ((i * 37) % 192);
    const height = 48 + ((i * 53) % 192);
    const bytes = encodePng(width, height, (raw, stride) => {
      for (let y = 0; y < height; y++)
        for (let x = 0, at = y * stride + 1; x < width; x++, at += 3) {
          const noise = next();
          raw[at] = ((x * 255) / width) ^ (noise & 0x3f);
          raw[at + 1] = ((y * 255) / height) ^ ((noise >>> 8) & 0x3f);
          raw[at + 2] = (i * 7) ^ ((noise >>> 16) & 0x3f);
        }
    });
    return { bytes, width, height, hash: sha256Hex(bytes) };
  });
}

/** A file the upload route must refuse, with the status it must answer and why. */
export interface RefusalCase {
  name: string;
  bytes: Buffer;
  status: number;
}

/**
 * What Tandem must refuse, whatever the client claims: a valid PNG just over `maxBytes` (413
 * [UP1]); a header claiming 12,000 × 12,000 pixels (413 [UP3]); an SVG and a text file (415 [UP2]); a PNG cut
 * short and a PNG with a ZIP after its end (400 [UP2]).
 */
export function refusalCases(maxBytes: number): RefusalCase[] {
  // Stored (level 0) deflate of one grey: fast to make at 10 MiB, and a perfectly valid PNG.
  const side = Math.ceil(Math.sqrt(maxBytes / 3)) + 8;
  const tooLarge = encodePng(side, side, (raw) => raw.fill(0x5a), 0);
  const small = encodePng(16, 16, (raw) => raw.fill(0x80));
  return [
    { name: `PNG over UPLOAD_MAX_BYTES (${(tooLarge.length / 2 ** 20).toFixed(1)} MiB)`, bytes: tooLarge, status: 413 },
    { name: 'PNG claiming 12,000 × 12,000 pixels', bytes: encodePng(16, 16, (raw) => raw.fill(0x80), 6, { width: 12_000, height: 12_000 }), status: 413 },
    { name: 'SVG', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="8" height="8"/></svg>'), status: 415 },
    { name: 'text file', bytes: Buffer.from('just some text, not an image\n'), status: 415 },
    { name: 'PNG cut short', bytes: small.subarray(0, small.length - 20), status: 400 },
    { name: 'PNG with a ZIP after its end', bytes: Buffer.concat([small, Buffer.from('PK\x03\x04 polyglot tail', 'latin1')]), status: 400 },
  ];
}
