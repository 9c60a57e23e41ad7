/**
 * Tiny real images for the upload tests, built here byte by byte (no fixtures, no libraries): each one is
 * a complete file a browser decodes (the e2e suite shows them in Chromium).
 */
import { crc32, deflateSync } from 'node:zlib';

const u32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** One PNG chunk with its real CRC. */
export function pngChunk(type: string, data: Uint8Array | number[]): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array([...ascii(type), ...data]);
  return new Uint8Array([...u32be(body.length - 4), ...body, ...u32be(crc32(body))]);
}

/** A `width`×`height` RGB PNG filled with `rgb`, deflated with node:zlib; `extraChunks` go before IDAT. */
export function makePng(width = 3, height = 2, rgb: [number, number, number] = [200, 30, 90], extraChunks: Uint8Array[] = []): Uint8Array<ArrayBuffer> {
  const row = [0, ...Array.from({ length: width }, () => rgb).flat()];
  const raw = new Uint8Array(Array.from({ length: height }, () => row).flat());
  const ihdr = [...u32be(width), ...u32be(height), 8, 2, 0, 0, 0];
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...extraChunks,
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', []),
  ]);
}

/** A 1×1 GIF89a: two-colour global table, one image whose LZW data is clear, pixel 0, end. */
export function makeGif(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    ...ascii('GIF89a'), ...u16le(1), ...u16le(1), 0x80, 0, 0,
    0xff, 0x00, 0x00, 0xff, 0xff, 0xff, // colour table: red, white
    0x21, 0xf9, 4, 0, 0, 0, 0, 0, // graphic control extension
    0x2c, ...u16le(0), ...u16le(0), ...u16le(1), ...u16le(1), 0,
    2, 2, 0x44, 0x01, 0, // LZW code size 2; one sub-block of 2 bytes; terminator
    0x3b,
  ]);
}

/**
 * An 8×8 grey baseline JPEG: quantisation table of ones, Huffman tables with one code each (DC category 0,
 * AC end-of-block), one block whose data is the two bits `00` padded with ones.
 */
export function makeJpeg(): Uint8Array<ArrayBuffer> {
  const segment = (marker: number, data: number[]) => [0xff, marker, ...[(data.length + 2) >> 8, (data.length + 2) & 0xff], ...data];
  const oneCode = (tableClass: number, symbol: number) => [tableClass << 4, 1, ...new Array(15).fill(0), symbol];
  return new Uint8Array([
    0xff, 0xd8,
    ...segment(0xe0, [...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCode(0, 0)),
    ...segment(0xc4, oneCode(1, 0)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ]);
}

/**
 * A 1×1 lossless WebP: the 13-byte VP8L bitstream of one pixel (the one browsers' WebP feature tests
 * decode), in a RIFF container whose sizes are computed here. The chunk's odd size gets its pad byte.
 */
export function makeWebp(): Uint8Array<ArrayBuffer> {
  const vp8l = [0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07];
  return riffWebp([...ascii('VP8L'), ...u32le(vp8l.length), ...vp8l, ...(vp8l.length & 1 ? [0] : [])]);
}

function riffWebp(chunks: number[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([...ascii('RIFF'), ...u32le(4 + chunks.length), ...ascii('WEBP'), ...chunks]);
}

export function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
