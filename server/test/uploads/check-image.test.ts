import { describe, expect, it } from 'vitest';
import { checkImage, MAX_IMAGE_PIXELS } from '../../src/uploads/check-image.js';
import { UploadRefusedError } from '../../src/uploads/image-error.js';
import { concat, makeGif, makeJpeg, makePng, makeWebp, pngChunk } from '../support/images.js';

const MAX = 1024 * 1024;
const text = (s: string) => new TextEncoder().encode(s);

/** The refusal `checkImage` throws for `bytes` (fails the test if it accepts them). */
function refusal(bytes: Uint8Array, max = MAX): UploadRefusedError {
  try {
    checkImage(bytes, max);
  } catch (err) {
    if (err instanceof UploadRefusedError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('[UP2] whole images of the four types are accepted, with their size', () => {
  it.each([
    ['PNG', makePng(3, 2), 'image/png', 3, 2],
    ['JPEG', makeJpeg(), 'image/jpeg', 8, 8],
    ['GIF', makeGif(), 'image/gif', 1, 1],
    ['WebP', makeWebp(), 'image/webp', 1, 1],
  ])('%s', (_name, bytes, type, width, height) => {
    expect(checkImage(bytes, MAX)).toEqual({ type, width, height });
  });

  it('a PNG with ancillary chunks (text, gamma) is still a PNG', () => {
    const png = makePng(2, 2, [1, 2, 3], [pngChunk('tEXt', text('Comment\0hello')), pngChunk('gAMA', [0, 0, 0xb1, 0x8f])]);
    expect(checkImage(png, MAX).type).toBe('image/png');
  });
});

describe('[UP2] truncated files are refused (400) at every length', () => {
  it.each([
    ['PNG', makePng(4, 4)],
    ['JPEG', makeJpeg()],
    ['GIF', makeGif()],
    ['WebP', makeWebp()],
  ])('%s cut at every byte', (_name, bytes) => {
    // From the first byte after the signature (shorter prefixes are not recognisably that type: 415).
    for (let cut = 12; cut < bytes.length; cut++) {
      const err = refusal(bytes.subarray(0, cut));
      expect(err.status, `cut at ${cut}`).toBe(400);
      expect(err.message).toMatch(/damaged/);
    }
  });
});

describe('[UP2] polyglots and corrupt files are refused (400)', () => {
  const zip = concat([text('PK\u0003\u0004'), new Uint8Array(40)]);
  const html = text('<html><script>alert(document.cookie)</script></html>');
  it.each([
    ['PNG + ZIP', concat([makePng(), zip])],
    ['PNG + HTML', concat([makePng(), html])],
    ['JPEG + HTML', concat([makeJpeg(), html])],
    ['GIF + script', concat([makeGif(), text('/*/=alert(1)//')])],
    ['WebP + HTML (RIFF size left as is)', concat([makeWebp(), html])],
  ])('%s', (_name, bytes) => {
    const err = refusal(bytes);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/bytes follow its end|damaged/);
  });

  it('a PNG with one flipped bit in its pixel data (CRC mismatch)', () => {
    const png = makePng(4, 4);
    png[45] = png[45]! ^ 0x01;
    expect(refusal(png).message).toMatch(/checksum of its IDAT chunk is wrong/);
  });

  it('a WebP whose RIFF size was grown to swallow appended bytes still has to end in whole chunks', () => {
    const webp = concat([makeWebp(), html]);
    new DataView(webp.buffer).setUint32(4, webp.length - 8, true);
    expect(refusal(webp).status).toBe(400);
  });

  it('HTML behind a PNG signature', () => {
    expect(refusal(concat([makePng().subarray(0, 8), html])).status).toBe(400);
  });
});

describe('[UP2] other types are refused (415); SVG says why', () => {
  it('SVG, with or without an XML declaration, BOM or leading space', () => {
    for (const svg of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '\uFEFF<?xml version="1.0"?>\n<!-- x -->\n<svg width="1" height="1"/>',
      '  \n<!DOCTYPE svg><SVG>',
    ]) {
      const err = refusal(text(svg));
      expect(err.status).toBe(415);
      expect(err.message).toMatch(/SVG images are not accepted/);
    }
  });

  it.each([
    ['HTML', text('<!doctype html><p>hi')],
    ['PDF', text('%PDF-1.7\n')],
    ['plain text', text('just words')],
    ['BMP', concat([text('BM'), new Uint8Array(60)])],
  ])('%s', (_name, bytes) => {
    const err = refusal(bytes);
    expect(err.status).toBe(415);
    expect(err.message).toMatch(/only PNG, JPEG, GIF and WebP/);
  });

  it('the client-declared type plays no part: a PNG is a PNG whatever it is called', () => {
    expect(checkImage(makePng(), MAX).type).toBe('image/png');
  });
});

describe('[UP1][UP3] limits', () => {
  it('[UP1] a file over the byte limit is refused with 413 naming the limit', () => {
    const png = makePng(64, 64);
    const err = refusal(png, png.length - 1);
    expect(err.status).toBe(413);
    expect(refusal(png, 100).message).toMatch(/larger than the limit of 100 bytes/);
    expect(checkImage(png, png.length).type).toBe('image/png');
  });

  it('[UP3] an image whose header claims more pixels than the bound is refused with 413', () => {
    // A GIF's screen size is a header field: a few bytes can claim 65535×65535.
    const gif = makeGif();
    gif[6] = gif[7] = gif[8] = gif[9] = 0xff;
    const err = refusal(gif);
    expect(err.status).toBe(413);
    expect(err.message).toMatch(new RegExp(`${MAX_IMAGE_PIXELS / 1e6} million pixels`));
  });

  it('an empty file is refused with 400', () => {
    expect(refusal(new Uint8Array(0)).status).toBe(400);
  });
});
