/**
 * [IM7] Images in imported content, through the HTTP API of a real server: inline image data becomes uploads
 * of the document through the upload checks, remote images are kept as links and never fetched, refused ones
 * leave a visible note, and a refused import leaves no upload behind.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uploadPath } from '@tandem/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { concat, makeGif, makePng, pngChunk } from '../support/images.js';
import { asBody, buildDocx, exported, importFile, importJson, request, storedDocs, storedUploads, wordParagraph, wordPicture } from './support.js';

const UPLOAD_MAX_BYTES = 1024;
const MAX_DOC_BYTES = 16 * 1024;
let server: TestServer;
/** A local site the imports name: it must never hear from the server. */
let site: Server;
let siteRequests = 0;
let siteUrl = '';

beforeAll(async () => {
  site = createServer((_req, res) => {
    siteRequests++;
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(makePng()));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  server = await startTestServer({ UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES), MAX_DOC_BYTES: String(MAX_DOC_BYTES) });
});
afterAll(async () => {
  await server.dispose();
  await new Promise((resolve) => site.close(resolve));
});

const PNG = makePng();
const GIF = makeGif();
const dataUri = (type: string, bytes: Uint8Array) => `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Block {
  type: string;
  attrs?: Record<string, unknown>;
  content?: Block[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** The document's top-level blocks, as its JSON export holds them. */
async function blocksOf(created: { json: { id: string; viewToken: string } }): Promise<Block[]> {
  return JSON.parse(await exported(server, created.json.id, created.json.viewToken, 'json')).content.content;
}

const textOf = (block: Block): string => (block.text ?? '') + (block.content ?? []).map(textOf).join('');

/** The bytes the upload route serves for `src` of the document. */
async function served(created: { json: { id: string; viewToken: string } }, src: string) {
  const res = await fetch(`${server.url}${src}?token=${created.json.viewToken}`);
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('[IM7] markdown images (the reported 400)', () => {
  it('an image alone in a paragraph, remote or inline, no longer refuses the import', async () => {
    for (const markdown of ['![alt](https://example.com/a.png)', `![alt](${dataUri('image/png', PNG)})`]) {
      const created = await importJson(server, { content: markdown, format: 'markdown' });
      expect(created.status, created.text).toBe(201);
    }
  });

  it('a data: image becomes an upload of the document; the text around it stays in paragraphs', async () => {
    const created = await importJson(server, { content: `Before ![a dot](${dataUri('image/png', PNG)}) after.\n`, format: 'markdown' });
    expect(created.status, created.text).toBe(201);
    const blocks = await blocksOf(created);
    const src = uploadPath(created.json.id, sha256(PNG));
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', 'image', 'paragraph']);
    expect(blocks[1]!.attrs).toMatchObject({ src, alt: 'a dot' });
    expect([textOf(blocks[0]!), textOf(blocks[2]!)]).toEqual(['Before', 'after.']);
    expect(await served(created, src)).toEqual({ status: 200, type: 'image/png', bytes: new Uint8Array(PNG) });
  });

  it('[UP4] the same image twice is one upload, at the address the upload API gives the same bytes', async () => {
    const before = await storedUploads(server);
    const uri = dataUri('image/png', PNG);
    const created = await importJson(server, { content: `![one](${uri})\n\n![two](${uri})\n\n![gif](${dataUri('image/gif', GIF)})\n`, format: 'markdown' });
    expect(created.status, created.text).toBe(201);
    const images = (await blocksOf(created)).filter((b) => b.type === 'image');
    expect(images.map((b) => b.attrs?.['src'])).toEqual([uploadPath(created.json.id, sha256(PNG)), uploadPath(created.json.id, sha256(PNG)), uploadPath(created.json.id, sha256(GIF))]);
    expect(await storedUploads(server)).toBe(before + 2);
    const again = await request(server, 'POST', `/api/docs/${created.json.id}/uploads`, { token: created.json.editToken, body: asBody(PNG), type: 'image/png' });
    expect(again.json.src).toBe(images[0]!.attrs?.['src']);
    expect(await storedUploads(server)).toBe(before + 2);
  });

  it('an image first in a list item stays in the item after its (empty) first paragraph', async () => {
    const created = await importJson(server, { content: `- ![dot](${dataUri('image/png', PNG)})\n- two\n`, format: 'markdown' });
    expect(created.status, created.text).toBe(201);
    const item = (await blocksOf(created))[0]!.content![0]!;
    expect(item.content!.map((b) => b.type)).toEqual(['paragraph', 'image']);
  });
});

describe('[IM7] the document\'s own images', () => {
  it('an export (images as links with a token) read back into the same document keeps its images', async () => {
    const created = await importJson(server, { content: `Photo:\n\n![dot](${dataUri('image/png', PNG)})\n`, format: 'markdown' });
    const markdown = await exported(server, created.json.id, created.json.viewToken, 'markdown');
    expect(markdown).toMatch(new RegExp(`\\]\\(https?://[^/]+${uploadPath(created.json.id, sha256(PNG))}\\?token=`));
    const before = await blocksOf(created);
    const replaced = await request(server, 'PUT', `/api/docs/${created.json.id}/import`, { token: created.json.editToken, body: markdown, type: 'text/markdown' });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json.changed).toBe(false);
    expect(await blocksOf(created)).toEqual(before);
  });
});

describe('[IM7] html and docx images', () => {
  it('an html <img> with a data: source becomes an upload', async () => {
    const created = await importFile(server, `<p>Hi</p><p><img src="${dataUri('image/png', PNG)}" alt="dot" width="40"></p>`, 'text/html');
    expect(created.status, created.text).toBe(201);
    const image = (await blocksOf(created)).find((b) => b.type === 'image');
    expect(image?.attrs).toMatchObject({ src: uploadPath(created.json.id, sha256(PNG)), alt: 'dot', width: 40 });
  });

  it('a .docx picture (a word/media part) becomes an upload with its description as alt text', async () => {
    const docx = await buildDocx([wordParagraph([['Report']], 'Heading1'), wordPicture('rId9', 'the chart')], [{ relId: 'rId9', name: 'image1.png', bytes: PNG }]);
    const created = await importFile(server, docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(created.status, created.text).toBe(201);
    const blocks = await blocksOf(created);
    const image = blocks.find((b) => b.type === 'image');
    expect(image?.attrs).toMatchObject({ src: uploadPath(created.json.id, sha256(PNG)), alt: 'the chart' });
    expect((await served(created, image!.attrs!['src'] as string)).bytes).toEqual(new Uint8Array(PNG));
  });
});

describe('[IM7] refused images leave a visible note', () => {
  it('SVG, a damaged file, one too large and an unreadable address: each named in a note, none stored', async () => {
    const before = await storedUploads(server);
    const svg = 'data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%3E%3C%2Fsvg%3E';
    const big = makePng(3, 2, [1, 2, 3], [pngChunk('tEXt', new Uint8Array(UPLOAD_MAX_BYTES))]);
    const markdown = [
      `![logo](${svg})`,
      `![cut](${dataUri('image/png', PNG.subarray(0, PNG.length - 6))})`,
      `![huge](${dataUri('image/png', big)})`,
      '![local](file:///etc/passwd)',
      'The end.',
    ].join('\n\n');
    const created = await importJson(server, { content: markdown, format: 'markdown' });
    expect(created.status, created.text).toBe(201);
    const blocks = await blocksOf(created);
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph']);
    const notes = blocks.map(textOf);
    expect(notes[0]).toMatch(/“logo”.*left out: SVG images are not accepted/);
    expect(notes[1]).toMatch(/“cut”.*left out: .*damaged/);
    expect(notes[2]).toMatch(/“huge”.*left out: the file is larger than the limit of 1 KiB/);
    expect(notes[3]).toMatch(/“local”.*left out: its address is not an image the import can read/);
    expect(await storedUploads(server)).toBe(before);
  });

  it('a .docx picture that is not an image we store is a note too', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const docx = await buildDocx([wordPicture('rId9', 'diagram')], [{ relId: 'rId9', name: 'image1.svg', bytes: svg }]);
    const created = await importFile(server, docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(created.status, created.text).toBe(201);
    expect((await blocksOf(created)).map(textOf).join('\n')).toMatch(/“diagram”.*left out: SVG images are not accepted/);
  });
});

describe('[IM7] remote images are kept as links, never fetched (SSRF)', () => {
  it('markdown and html images of another site become a note with the link; the site hears nothing', async () => {
    const src = `${siteUrl}/secret.png`;
    const fromMarkdown = await importJson(server, { content: `![map](${src})`, format: 'markdown' });
    const fromHtml = await importFile(server, `<img src="${src}" alt="map">`, 'text/html');
    for (const created of [fromMarkdown, fromHtml]) {
      expect(created.status, created.text).toBe(201);
      const [note] = await blocksOf(created);
      expect(note!.type).toBe('paragraph');
      expect(textOf(note!)).toMatch(/image from 127\.0\.0\.1:\d+ \(“map”\) was not copied .*link kept: http:\/\/127\.0\.0\.1:\d+\/secret\.png$/);
      expect(note!.content!.at(-1)!.marks).toEqual([{ type: 'link', attrs: expect.objectContaining({ href: src }) }]);
    }
    expect(siteRequests).toBe(0);
  });
});

describe('[IM7][IM5] a refused import leaves no upload behind', () => {
  it('a new document too large for MAX_DOC_BYTES: 413, no document, no upload', async () => {
    const [docs, uploads] = [await storedDocs(server), await storedUploads(server)];
    const long = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} with some words in it.`).join('\n\n');
    const created = await importJson(server, { content: `![dot](${dataUri('image/png', PNG)})\n\n${long}`, format: 'markdown' });
    expect(created.status).toBe(413);
    expect([await storedDocs(server), await storedUploads(server)]).toEqual([docs, uploads]);
  });

  it('replacing a document with content past its size limit: 413, nothing stored, the document as it was', async () => {
    const created = await importJson(server, { content: 'Kept.', format: 'markdown' });
    const uploads = await storedUploads(server);
    const long = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} with some words in it.`).join('\n\n');
    const replaced = await request(server, 'PUT', `/api/docs/${created.json.id}/import`, {
      token: created.json.editToken,
      body: `![dot](${dataUri('image/png', makePng(2, 2))})\n\n${long}`,
      type: 'text/markdown',
    });
    expect(replaced.status).toBe(413);
    expect(await storedUploads(server)).toBe(uploads);
    expect((await blocksOf(created)).map(textOf)).toEqual(['Kept.']);
  });

  it('the write API stores the images of content it writes, as the import does', async () => {
    const created = await importJson(server, { content: 'Text.', format: 'markdown' });
    const written = await request(server, 'POST', `/api/docs/${created.json.id}/content`, {
      token: created.json.editToken,
      json: { content: `![dot](${dataUri('image/gif', GIF)})`, format: 'markdown', position: 'end' },
    });
    expect(written.status, written.text).toBe(200);
    const image = (await blocksOf(created)).find((b) => b.type === 'image');
    expect(image?.attrs?.['src']).toBe(uploadPath(created.json.id, sha256(GIF)));
    expect((await served(created, image!.attrs!['src'] as string)).bytes).toEqual(new Uint8Array(GIF));
  });
});

describe('[IM7] the upload checks apply in full', () => {
  it('a PNG with a ZIP glued on is a note, not an upload', async () => {
    const polyglot = concat([PNG, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0])]);
    const created = await importFile(server, `<img src="${dataUri('image/png', polyglot)}" alt="glued">`, 'text/html');
    expect(created.status, created.text).toBe(201);
    expect(textOf((await blocksOf(created))[0]!)).toMatch(/“glued”.*left out: .*damaged .*6 bytes follow its end/);
  });
});
