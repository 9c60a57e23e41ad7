/**
 * [IM1]–[IM5] Import through the HTTP API: a real server, JSON bodies as scripts send them and file uploads
 * as the editor sends them, then the document read back through the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { buildDocx, exported, importFile, importJson, request, storedDocs, wordParagraph } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ IMPORT_MAX_BYTES: String(64 * 1024) });
});
afterAll(async () => {
  await server.dispose();
});

/** Markdown as the export writes it: what an import must give back unchanged. */
const MARKDOWN = `# Plan

Some **bold**, *italic*, ~~struck~~, <u>underlined</u> and \`code\` text with [a link](https://example.com/a?b=1).

## Tasks

- [ ] write the import
- [x] read the issue

1. first
2. second

> quoted

| Name   | Done   | Notes                |
| ------ | :----: | -------------------- |
| import | yes    | line one<br>line two |
| export | **no** | \`x \\| y\`             |

\`\`\`ts
const a = 1;
\`\`\`

---

The end.
`;

describe('import in POST /api/docs [IM1] (contract)', () => {
  it('markdown with GFM tables and task lists reads back through the export unchanged', async () => {
    const created = await importJson(server, { content: MARKDOWN, format: 'markdown' });
    expect(created.status).toBe(201);
    expect(created.json.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await exported(server, created.json.id, created.json.viewToken, 'markdown')).toBe(MARKDOWN);
    const json = JSON.parse(await exported(server, created.json.id, created.json.viewToken, 'json'));
    const types = json.content.content.map((block: { type: string }) => block.type);
    expect(types).toEqual(expect.arrayContaining(['taskList', 'table', 'orderedList', 'blockquote', 'codeBlock', 'horizontalRule']));
  });

  it('a long text (parsed in chunks) reads back unchanged too', async () => {
    const long = Array.from({ length: 100 }, () => MARKDOWN).join('\n');
    expect(long.length).toBeGreaterThan(40 * 1024);
    const created = await importJson(server, { content: long, format: 'markdown' });
    expect(created.status).toBe(201);
    expect(await exported(server, created.json.id, created.json.viewToken, 'markdown')).toBe(long);
  });

  it('the title is the given one, and the content stays as it is', async () => {
    const created = await importJson(server, { title: 'Imported', content: 'Hello *there*', format: 'markdown' });
    expect(created.status).toBe(201);
    const info = await request(server, 'GET', `/api/docs/${created.json.id}`, { token: created.json.viewToken });
    expect(info.json.title).toBe('Imported');
    expect(await exported(server, created.json.id, created.json.viewToken, 'markdown')).toBe('# Imported\n\nHello *there*\n');
  });

  it('text: blank lines separate paragraphs, a single line break stays one', async () => {
    const text = 'First paragraph\nsame paragraph\n\nSecond *not emphasis* <b>not bold</b>\n';
    const created = await importJson(server, { content: text, format: 'text' });
    expect(created.status).toBe(201);
    expect(await exported(server, created.json.id, created.json.viewToken, 'text')).toBe(text);
    expect(await exported(server, created.json.id, created.json.viewToken, 'html')).toContain('Second *not emphasis* &lt;b&gt;not bold&lt;/b&gt;');
  });

  it('html through the schema’s parser; an exported page gives its title back', async () => {
    const first = await importJson(server, { content: '<h2>Part</h2><p>One <strong>two</strong></p><ul data-type="taskList"><li data-type="taskItem" data-checked="true"><p>done</p></li></ul>', format: 'html', title: 'Page' });
    expect(first.status).toBe(201);
    const page = await exported(server, first.json.id, first.json.viewToken, 'html');
    const again = await importJson(server, { content: page, format: 'html' });
    expect(again.status).toBe(201);
    expect(await exported(server, again.json.id, again.json.viewToken, 'html')).toBe(page);
    expect(await exported(server, again.json.id, again.json.viewToken, 'markdown')).toBe('# Page\n\n## Part\n\nOne **two**\n\n- [x] done\n');
  });
});

describe('sanitising [IM4]', () => {
  it('scripts, event handlers and javascript: URLs never reach the document (html)', async () => {
    const html = `<p onclick="alert(1)">Hi <a href="javascript:alert(2)">there</a> <a href="https://ok.example/">fine</a>
      <img src="x" onerror="alert(3)"></p><script>alert(4)</script><style>p{}</style>
      <iframe src="https://evil.example/"></iframe><p><a href=" JaVaScRiPt:alert(5)">sneaky</a></p>`;
    const created = await importJson(server, { content: html, format: 'html' });
    expect(created.status).toBe(201);
    for (const format of ['html', 'markdown', 'json']) {
      const body = await exported(server, created.json.id, created.json.viewToken, format);
      expect(body).not.toMatch(/script|onerror|onclick|javascript:|alert|iframe|evil/i);
      expect(body).toContain('https://ok.example/');
      expect(body).toContain('sneaky');
    }
  });

  it('the same for markdown: raw HTML is sanitised, javascript: links lose the link', async () => {
    const md = 'Hi [there](javascript:alert(1)) <img src=x onerror="alert(2)"> <u>kept</u>\n\n<script>alert(3)</script>\n\n<div onmouseover="alert(4)">block</div>\n';
    const created = await importJson(server, { content: md, format: 'markdown' });
    expect(created.status).toBe(201);
    const json = await exported(server, created.json.id, created.json.viewToken, 'json');
    expect(json).not.toMatch(/script|onerror|onmouseover|javascript:|alert/i);
    expect(JSON.parse(json).content.content[0].content).toEqual(
      expect.arrayContaining([{ type: 'text', text: 'kept', marks: [{ type: 'underline' }] }]),
    );
    expect(json).toContain('block');
  });
});

describe('file uploads: POST /api/docs/import [IM3]', () => {
  it('a .docx (converted by mammoth) becomes a document: headings, bold, lists', async () => {
    const docx = await buildDocx([
      wordParagraph([['Report']], 'Heading1'),
      wordParagraph([['Plain and '], ['bold', true], [' text.']]),
      wordParagraph([['one']], 'ListParagraph', true),
      wordParagraph([['two']], 'ListParagraph', true),
    ]);
    const created = await importFile(server, docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'From Word');
    expect(created.status).toBe(201);
    expect(await exported(server, created.json.id, created.json.viewToken, 'markdown')).toBe('# From Word\n\n# Report\n\nPlain and **bold** text.\n\n- one\n- two\n');
  });

  it('markdown, html and text files by their media type', async () => {
    for (const [type, body, expected] of [
      ['text/markdown; charset=utf-8', '- [ ] task\n', '- [ ] task\n'],
      ['text/html', '<p>para <em>it</em></p>', 'para *it*\n'],
      ['text/plain', '# not a heading', '\\# not a heading\n'],
    ] as const) {
      const created = await importFile(server, body, type);
      expect(created.status, type).toBe(201);
      expect(await exported(server, created.json.id, created.json.viewToken, 'markdown')).toBe(expected);
    }
  });
});

describe('bad input changes nothing [IM5]', () => {
  it('unknown format 400, content without format 400, corrupt docx 400, wrong type 415, too large 413', async () => {
    const before = await storedDocs(server);
    const unknown = await importJson(server, { content: 'x', format: 'rtf' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'format must be markdown, html or text', code: 'bad_request' });
    expect((await importJson(server, { content: 'x' })).json).toEqual({ error: 'format is required with content', code: 'bad_request' });

    const corrupt = await importFile(server, new Uint8Array([1, 2, 3, 4, 5]), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(corrupt.status).toBe(400);
    expect(corrupt.json.error).toMatch(/not a \.docx file/);
    // A ZIP that is no Word document.
    const notWord = await buildDocx([]).then(async () => {
      const { default: JSZip } = await import('jszip');
      const zip = new JSZip();
      zip.file('readme.txt', 'hello');
      return zip.generateAsync({ type: 'uint8array' });
    });
    const wrongZip = await importFile(server, notWord, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(wrongZip.status).toBe(400);
    expect(wrongZip.json.error).toMatch(/not a readable \.docx file/);

    const pdf = await importFile(server, '%PDF-1.4', 'application/pdf');
    expect(pdf.status).toBe(415);
    expect(pdf.json.code).toBe('unsupported_type');
    // No Content-Type at all (fetch sends none for bytes).
    expect((await importFile(server, new TextEncoder().encode('x'), '')).status).toBe(415);

    const big = 'a'.repeat(64 * 1024 + 1);
    expect((await importJson(server, { content: big, format: 'text' })).status).toBe(413);
    // Escapes are allowed for: content under the limit whose JSON is larger still imports.
    const escaped = await importJson(server, { content: '\n'.repeat(60 * 1024), format: 'text' });
    expect(escaped.status).toBe(201);
    expect((await importFile(server, big, 'text/plain')).status).toBe(413);
    expect((await importFile(server, new Uint8Array([0xff, 0xfe, 0x41]), 'text/plain')).json.error).toBe('the file is not UTF-8 text');
    expect(await storedDocs(server)).toBe(before + 1);
  });

  it('[contract] a create body without content keeps its 64 KiB bound', async () => {
    const res = await importJson(server, { title: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
  });
});
