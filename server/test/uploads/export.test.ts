/** [UP8] Images in exports: unit rendering, then over real HTTP with a real upload and a real y-websocket peer. */
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import type { UploadInfo } from '@tandem/common/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportDoc } from '../../src/export/export-doc.js';
import { documentSchema } from '../../src/export/schema.js';
import { doc, paragraph, pmDoc, text, ydocFrom } from '../export/fixtures.js';
import { connectClient, createDoc, startTestServer, synced, waitFor, type TestServer } from '../support/harness.js';
import { makeGif, makePng } from '../support/images.js';

const HASH = 'ab'.repeat(32);
const SRC = `/api/docs/docABCDEFGH/uploads/${HASH}`;
const image = (attrs: Record<string, unknown>) => ({ type: 'image', attrs });
/** Like the server's mapping: only upload paths are rewritten. */
const mapUploads = (to: (src: string) => string) => (src: string) => (src.startsWith('/api/docs/') ? to(src) : src);

describe('[UP8] rendering', () => {
  const ydoc = ydocFrom(
    doc(paragraph(text('Before')), image({ src: SRC, alt: 'A [red] square', width: 240 }), image({ src: 'javascript:alert(1)', alt: 'bad' }), paragraph(text('After'))),
  );

  it('markdown: ![alt](url) with the mapped source; an unsafe source is left out', () => {
    const md = exportDoc(ydoc, 'markdown', { imageSrc: mapUploads((s) => `https://tandem.example${s}?token=T`) }).body;
    expect(md).toContain(`![A \\[red\\] square](https://tandem.example${SRC}?token=T)`);
    expect(md).not.toContain('javascript');
    expect(md.indexOf('Before')).toBeLessThan(md.indexOf('![A')); // in document order
  });

  it('HTML: <img> with the mapped source, alt and width; no src for an unsafe source', () => {
    const html = exportDoc(ydoc, 'html', { imageSrc: mapUploads(() => 'data:image/png;base64,AAAA') }).body;
    expect(html).toContain('<img src="data:image/png;base64,AAAA" alt="A [red] square" width="240">');
    expect(html).toContain('<img alt="bad">');
    expect(html).not.toContain('javascript:');
  });

  it('JSON keeps the stored source (the document as it is); text leaves images out', () => {
    const json = JSON.parse(exportDoc(ydoc, 'json', { imageSrc: () => 'x' }).body) as { content: { content: { attrs?: { src?: string } }[] } };
    expect(json.content.content[1]!.attrs!.src).toBe(SRC);
    expect(exportDoc(ydoc, 'text').body).toBe('Before\n\nAfter\n');
  });

  it('an image survives the Y.Doc round trip with all its attributes', () => {
    const node = pmDoc(doc(image({ src: SRC, alt: 'x', title: 't', width: 100 })));
    const y = new Y.Doc();
    prosemirrorJSONToYXmlFragment(documentSchema, node.toJSON(), y.getXmlFragment('default'));
    const back = JSON.parse(exportDoc(y, 'json').body) as { content: { content: { attrs: unknown }[] } };
    expect(back.content.content[0]!.attrs).toEqual({ src: SRC, alt: 'x', title: 't', width: 100 });
  });
});

describe('[UP8] export over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('images=link (default) links with a view token that reads the image; images=embed inlines its bytes; bad value 400', async () => {
    const created = await createDoc(server.url);
    const png = makePng(2, 2);
    const up = await fetch(`${server.url}/api/docs/${created.id}/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${created.editToken}` }, body: png });
    const info = (await up.json()) as UploadInfo;
    // A foreign image kept as a link stays what it was.
    const gifUp = await fetch(`${server.url}/api/docs/${created.id}/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${created.editToken}` }, body: makeGif() });
    const gif = (await gifUp.json()) as UploadInfo;

    const peer = connectClient(server.wsUrl, created.id, created.editToken);
    try {
      await synced(peer.provider);
      const fragment = peer.doc.getXmlFragment('default');
      peer.doc.transact(() => {
        for (const [src, alt] of [[info.src, 'square'], [gif.src, 'dot']] as const) {
          const el = new Y.XmlElement('image');
          el.setAttribute('src', src);
          el.setAttribute('alt', alt);
          fragment.push([el]);
        }
      });
      const get = (query: string) => fetch(`${server.url}/api/docs/${created.id}/export?${query}`, { headers: { Authorization: `Bearer ${created.editToken}` } });
      await waitFor(async () => (await (await get('format=markdown')).text()).includes('![dot]'), 'the images reach the server');

      const md = await (await get('format=markdown')).text();
      const linked = /!\[square\]\((http[^)]+)\)/.exec(md)?.[1];
      expect(linked).toMatch(new RegExp(`^http://[^/]+${info.src}\\?token=`));
      // The link carries a view token: it reads the image, and it is not the edit token that exported.
      const url = new URL(linked!);
      const token = url.searchParams.get('token')!;
      expect(token).not.toBe(created.editToken);
      expect(new Uint8Array(await (await fetch(`${server.url}${url.pathname}${url.search}`)).arrayBuffer())).toEqual(png);
      expect((await fetch(`${server.url}/api/docs/${created.id}/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: png })).status).toBe(403);

      const html = await (await get('format=html&images=embed')).text();
      expect(html).toContain(`<img src="data:image/png;base64,${Buffer.from(png).toString('base64')}" alt="square">`);
      expect(html).toContain(`<img src="data:image/gif;base64,${Buffer.from(makeGif()).toString('base64')}" alt="dot">`);
      expect((await get('format=html&images=inline')).status).toBe(400);
    } finally {
      peer.destroy();
    }
  });
});
