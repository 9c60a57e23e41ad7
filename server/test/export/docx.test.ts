import { unzipSync, strFromU8 } from 'fflate';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportDoc } from '../../src/export/export-doc.js';
import { documentSchema } from '../../src/export/schema.js';
import { connectClient, createDoc, startTestServer, synced, waitFor, type TestServer } from '../support/harness.js';
import { bold, doc, heading, link, paragraph, pmDoc, representative, table, td, text, th, tr, ydocFrom } from './fixtures.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The parts of a DOCX (a zip) as text, by path. */
function unzipDocx(bytes: Uint8Array): Record<string, string> {
  const files = unzipSync(bytes);
  return Object.fromEntries(Object.entries(files).map(([path, data]) => [path, strFromU8(data)]));
}

/** The text of `word/document.xml`, paragraph by paragraph (`<w:t>` contents joined, one line per `<w:p>`). */
function paragraphsOf(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) =>
    [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).join(''),
  );
}

describe('DOCX export', () => {
  it('is a valid Word file with every block and mark of the document, and the title', async () => {
    const result = exportDoc(ydocFrom(representative, 'Plans & <notes>'), 'docx');
    expect(result.contentType).toBe(DOCX_TYPE);
    expect(result.extension).toBe('docx');
    const bytes = await result.body;
    expect(typeof bytes).not.toBe('string');
    const parts = unzipDocx(bytes as Uint8Array);
    expect(Object.keys(parts)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/numbering.xml', 'word/styles.xml']));
    const xml = parts['word/document.xml']!;
    const paragraphs = paragraphsOf(xml);
    expect(paragraphs[0]).toBe('Plans & <notes>');
    expect(xml).toMatch(/<w:pStyle w:val="Title"\/>/);
    for (const line of ['Heading one', 'Heading two', 'First', 'Nested', 'Second', 'One', 'Two', '☑ Done', '☐ Todo', '☐ Sub-task', 'Quoted']) {
      expect(paragraphs, line).toContain(line);
    }
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>[\s\S]*Heading one/);
    expect(xml).toMatch(/<w:pStyle w:val="Heading3"\/>[\s\S]*Heading three/);
    // Marks: each on its own run.
    const runOf = (word: string) => new RegExp(`<w:r>(?:(?!</w:r>)[\\s\\S])*<w:t(?: [^>]*)?>${word}</w:t>`).exec(xml)?.[0] ?? '';
    expect(runOf('bold')).toContain('<w:b/>');
    expect(runOf('italic')).toContain('<w:i/>');
    expect(runOf('struck')).toContain('<w:strike/>');
    expect(runOf('under')).toContain('<w:u ');
    expect(runOf('a `tick`')).toContain('Courier New');
    // The link is a hyperlink to its address.
    expect(xml).toMatch(/<w:hyperlink [^>]*r:id="[^"]+"[\s\S]*?a link/);
    expect(parts['word/_rels/document.xml.rels']).toContain('Target="https://example.com/a_b?x=1&amp;y=2"');
    // Lists are numbered with Word numbering; the nested item one level deeper.
    expect(xml).toMatch(/<w:ilvl w:val="1"\/>[\s\S]*?Nested/);
    expect(parts['word/numbering.xml']).toContain('w:val="decimal"');
    // The code block keeps its lines (a break between them), in a monospace font.
    expect(paragraphs).toContain('const a = 1 < 2 && `x`;// *not* emphasis');
    expect(xml).toMatch(/const a = 1 &lt; 2 &amp;&amp; `x`;<\/w:t><\/w:r><w:r>(?:(?!<\/w:r>)[\s\S])*<w:br\/>/);
    expect(paragraphs).toContain('Line oneLine two');
  });

  it('renders tables with header rows and spans', async () => {
    const ydoc = ydocFrom(
      doc(
        heading(1, text('Budget')),
        table(tr(th({}, paragraph(text('Item'))), th({}, paragraph(text('Cost')))), tr(td({ colspan: 2 }, paragraph(text('Total: 12'))))),
        paragraph(text('after', bold), text(' '), text('docs', link('javascript:alert(1)'))),
      ),
    );
    const xml = unzipDocx((await exportDoc(ydoc, 'docx').body) as Uint8Array)['word/document.xml']!;
    expect(xml).toContain('<w:tbl>');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toMatch(/<w:gridSpan w:val="2"\/>[\s\S]*Total: 12/);
    // An address that is no http(s) or mailto link stays plain text.
    expect(xml).not.toContain('javascript:');
    expect(paragraphsOf(xml)).toContain('after docs');
  });

  it('[CM6] with comments: a superscript reference where the passage ends and the threads after the text', async () => {
    const ydoc = ydocFrom(doc(paragraph(text('Ship it on Monday.'))));
    const fragment = ydoc.getXmlFragment('default');
    const paragraphText = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const thread = new Y.Map<unknown>();
    ydoc.getMap('comments').set('t1', thread);
    thread.set('quote', 'Monday');
    thread.set('from', Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(paragraphText, 11)));
    thread.set('to', Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(paragraphText, 17, -1)));
    thread.set('resolved', false);
    const comments = new Y.Array<Y.Map<unknown>>();
    thread.set('comments', comments);
    const c = new Y.Map<unknown>();
    comments.push([c]);
    c.set('id', 'c1');
    c.set('author', 'Ada');
    c.set('body', 'Tuesday?');
    c.set('createdAt', Date.UTC(2026, 0, 2, 3, 4));
    const xml = unzipDocx((await exportDoc(ydoc, 'docx', { comments: true }).body) as Uint8Array)['word/document.xml']!;
    const paragraphs = paragraphsOf(xml);
    expect(paragraphs).toContain('Ship it on Monday[1].');
    expect(xml).toMatch(/<w:vertAlign w:val="superscript"\/>(?:(?!<\/w:r>)[\s\S])*\[1\]/);
    expect(paragraphs).toContain('Comments');
    expect(paragraphs).toContain('[1] “Monday”');
    expect(paragraphs).toContain('Ada (2026-01-02 03:04): Tuesday?');
  });
});

describe('DOCX over HTTP', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('GET …/export?format=docx and a version\'s export give the Word file of what a real client wrote', async () => {
    server = await startTestServer();
    const created = await createDoc(server.url, { title: 'Quarterly plan' });
    const client = connectClient(server.wsUrl, created.id, created.editToken);
    try {
      await synced(client.provider);
      const fragment = client.doc.getXmlFragment('default');
      client.doc.transact(() => fragment.delete(0, fragment.length));
      prosemirrorJSONToYXmlFragment(
        documentSchema,
        pmDoc(doc(heading(2, text('Goals')), paragraph(text('Grow '), text('revenue', bold), text(' by 10%.')))).toJSON(),
        fragment,
      );
      const get = (path: string) => fetch(`${server!.url}/api/docs/${created.id}${path}`, { headers: { authorization: `Bearer ${created.viewToken}` } });
      await waitFor(async () => (await (await get('/export?format=text')).text()).includes('revenue'), 'the edit stored');
      const res = await get('/export?format=docx');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(DOCX_TYPE);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="Quarterly plan.docx"');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
      const paragraphs = paragraphsOf(unzipDocx(bytes)['word/document.xml']!);
      expect(paragraphs).toEqual(expect.arrayContaining(['Quarterly plan', 'Goals', 'Grow revenue by 10%.']));

      const named = await fetch(`${server.url}/api/docs/${created.id}/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.editToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'v1' }),
      });
      const version = (await named.json()) as { id: string };
      client.doc.transact(() => fragment.delete(0, fragment.length));
      const atVersion = await get(`/versions/${version.id}/export?format=docx`);
      expect(atVersion.status).toBe(200);
      expect(atVersion.headers.get('content-type')).toBe(DOCX_TYPE);
      expect(paragraphsOf(unzipDocx(new Uint8Array(await atVersion.arrayBuffer()))['word/document.xml']!)).toContain('Grow revenue by 10%.');
      // An unknown format still names the formats, docx among them.
      const bad = await get('/export?format=pdf');
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('docx');
    } finally {
      client.destroy();
    }
  });
});
