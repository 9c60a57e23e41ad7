/** The upload routes over real HTTP against a real server with a file store [UP]. */
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { CreatedDoc, UploadInfo } from '@tandem/common/api';
import { startTestServer, type TestServer } from '../support/harness.js';
import { concat, makeGif, makeJpeg, makePng, makeWebp } from '../support/images.js';

const MAX = 64 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ UPLOAD_MAX_BYTES: String(MAX) });
});
afterAll(async () => {
  await server.dispose();
});

async function createDoc(): Promise<CreatedDoc> {
  const res = await fetch(`${server.url}/api/docs`, { method: 'POST' });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedDoc;
}

function upload(id: string, token: string | null, bytes: Uint8Array, contentType = 'application/octet-stream'): Promise<Response> {
  return fetch(`${server.url}/api/docs/${id}/uploads`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

/** The files under the document's uploads directory (none when it was never made). */
async function storedFiles(id: string): Promise<string[]> {
  try {
    return (await readdir(join(server.dataDir, 'docs', id, 'uploads'))).sort();
  } catch {
    return [];
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('[UP2][UP4] POST /api/docs/:id/uploads stores whole images', () => {
  it.each([
    ['PNG', makePng(5, 4), 'image/png', 5, 4],
    ['JPEG', makeJpeg(), 'image/jpeg', 8, 8],
    ['GIF', makeGif(), 'image/gif', 1, 1],
    ['WebP', makeWebp(), 'image/webp', 1, 1],
  ])('%s → 201 with its address, type and size; served back byte for byte with the sniffed type', async (_n, bytes, type, width, height) => {
    const doc = await createDoc();
    // The client's Content-Type is a lie on purpose: only the bytes decide.
    const res = await upload(doc.id, doc.editToken, bytes, 'text/html');
    expect(res.status).toBe(201);
    const info = (await res.json()) as UploadInfo;
    const hash = sha256(bytes);
    expect(info).toEqual({ src: `/api/docs/${doc.id}/uploads/${hash}`, hash, type, width, height });
    expect(await storedFiles(doc.id)).toEqual([hash]);

    const got = await fetch(`${server.url}${info.src}?token=${doc.viewToken}`);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    // [UP6]
    expect(got.headers.get('content-type')).toBe(type);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(got.headers.get('cache-control')).toMatch(/private.*immutable/);
  });

  it('[UP4] the same bytes uploaded twice are stored once and get the same address', async () => {
    const doc = await createDoc();
    const png = makePng(7, 7);
    const first = (await (await upload(doc.id, doc.editToken, png)).json()) as UploadInfo;
    const second = await upload(doc.id, doc.editToken, png);
    expect(second.status).toBe(201);
    expect(((await second.json()) as UploadInfo).src).toBe(first.src);
    expect(await storedFiles(doc.id)).toEqual([first.hash]);
  });
});

describe('[UP1][UP2] bad uploads get a clear error and store nothing', () => {
  const html = new TextEncoder().encode('<html><script>alert(1)</script>');
  it.each([
    ['truncated PNG', makePng(6, 6).subarray(0, 40), 400, /PNG file is damaged.*truncated/],
    ['truncated JPEG', makeJpeg().subarray(0, 100), 400, /JPEG file is damaged.*truncated/],
    ['PNG + HTML polyglot', concat([makePng(), html]), 400, /bytes follow its end/],
    ['GIF + script polyglot', concat([makeGif(), html]), 400, /bytes follow its end/],
    ['SVG', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, /SVG images are not accepted/],
    ['HTML', html, 415, /only PNG, JPEG, GIF and WebP/],
    ['empty body', new Uint8Array(0), 400, /empty/],
    ['over UPLOAD_MAX_BYTES', concat([makePng(), new Uint8Array(MAX)]), 413, /larger than the limit of 64 KiB/],
  ])('%s → %i', async (_n, bytes, status, message) => {
    const doc = await createDoc();
    const res = await upload(doc.id, doc.editToken, bytes, 'image/png');
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect(await storedFiles(doc.id)).toEqual([]);
  });

  it('[UP1] a body streamed without Content-Length is cut off at the limit (413), nothing stored', async () => {
    const doc = await createDoc();
    // Its own connection (no keep-alive pool): the server answers before the body ends, then drops the rest.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/docs/${doc.id}/uploads`, {
        method: 'POST',
        agent: false,
        headers: { Authorization: `Bearer ${doc.editToken}`, 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < MAX * 4) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(await storedFiles(doc.id)).toEqual([]);
  });
});

describe('[UP5] access', () => {
  it('uploading needs an edit token: none 401, view and comment 403, nothing stored', async () => {
    const doc = await createDoc();
    expect((await upload(doc.id, null, makePng())).status).toBe(401);
    expect((await upload(doc.id, doc.viewToken, makePng())).status).toBe(403);
    expect((await upload(doc.id, doc.commentToken, makePng())).status).toBe(403);
    expect((await upload(doc.id, 'not-a-token', makePng())).status).toBe(401);
    expect(await storedFiles(doc.id)).toEqual([]);
  });

  it('reading needs a token of that document: any scope of it, by ?token= or Bearer; another document’s token is refused', async () => {
    const a = await createDoc();
    const b = await createDoc();
    const { src } = (await (await upload(a.id, a.editToken, makeGif())).json()) as UploadInfo;
    expect((await fetch(`${server.url}${src}`)).status).toBe(401);
    for (const token of [a.viewToken, a.commentToken, a.editToken]) {
      expect((await fetch(`${server.url}${src}?token=${token}`)).status).toBe(200);
    }
    expect((await fetch(`${server.url}${src}`, { headers: { Authorization: `Bearer ${a.viewToken}` } })).status).toBe(200);
    // B's token for A's upload path: a token for another document.
    expect((await fetch(`${server.url}${src}?token=${b.editToken}`)).status).toBe(403);
    // A's hash under B's path (with B's token): B does not hold it.
    const underB = src.replace(a.id, b.id);
    expect((await fetch(`${server.url}${underB}?token=${b.editToken}`)).status).toBe(404);
  });

  it('an unknown or malformed hash is 404; an unknown document 404', async () => {
    const doc = await createDoc();
    const q = `?token=${doc.viewToken}`;
    expect((await fetch(`${server.url}/api/docs/${doc.id}/uploads/${sha256(makePng())}${q}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/docs/${doc.id}/uploads/..%2Fmeta.json${q}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/docs/${doc.id}/uploads/${'A'.repeat(64)}${q}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/docs/unknownDoc123/uploads/${sha256(makePng())}${q}`)).status).toBe(404);
  });

  it('after rotating the links, old tokens read no image (401)', async () => {
    const doc = await createDoc();
    const { src } = (await (await upload(doc.id, doc.editToken, makePng())).json()) as UploadInfo;
    const rotated = await fetch(`${server.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers: { Authorization: `Bearer ${doc.editToken}` } });
    const links = (await rotated.json()) as CreatedDoc;
    expect((await fetch(`${server.url}${src}?token=${doc.viewToken}`)).status).toBe(401);
    expect((await fetch(`${server.url}${src}?token=${links.viewToken}`)).status).toBe(200);
  });
});
