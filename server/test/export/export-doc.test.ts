import { MarkdownManager } from '@tiptap/markdown';
import { Node as PMNode } from '@tiptap/pm/model';
import { Window } from 'happy-dom';
import { afterAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { exportDoc, isExportFormat, type ExportFormat, type TextExportFormat } from '../../src/export/export-doc.js';
import { documentSchema, exportExtensions } from '../../src/export/schema.js';
import {
  bold,
  code,
  codeBlock,
  doc,
  hardBreak,
  heading,
  link,
  paragraph,
  pmDoc,
  representative,
  text,
  ydocFrom,
} from './fixtures.js';

const FORMATS: TextExportFormat[] = ['markdown', 'html', 'json', 'text'];
const TITLE = 'Notes: *draft* & <plans>';

const window = new Window();
afterAll(() => window.happyDOM.close());
const parseHtml = (html: string) => new window.DOMParser().parseFromString(html, 'text/html');

describe('isExportFormat', () => {
  test('accepts the four formats only', () => {
    for (const format of FORMATS) expect(isExportFormat(format)).toBe(true);
    for (const other of ['md', 'HTML', '', 'toString', '__proto__', undefined, 1]) expect(isExportFormat(other)).toBe(false);
  });
});

describe('exportDoc', () => {
  test('reports content type and extension per format', () => {
    const ydoc = ydocFrom(representative, TITLE);
    expect(FORMATS.map((f) => { const { contentType, extension } = exportDoc(ydoc, f); return [contentType, extension]; })).toEqual([
      ['text/markdown; charset=utf-8', 'md'],
      ['text/html; charset=utf-8', 'html'],
      ['application/json; charset=utf-8', 'json'],
      ['text/plain; charset=utf-8', 'txt'],
    ]);
  });

  test('markdown: the representative document', () => {
    expect(exportDoc(ydocFrom(representative, TITLE), 'markdown').body).toBe(
      [
        '# Notes: \\*draft\\* & \\<plans>',
        '',
        '# Heading one',
        '',
        'Plain, **bold**, *italic*, ~~struck~~, <u>under</u>, `` a `tick` `` and [a link](https://example.com/a_b?x=1&y=2).',
        '',
        // Only what a reader would take for syntax is escaped: the tag, and the backticks (a pair).
        'Escapes: 2 * 3 = 6, snake_case, a < b && c > d, \\`backticks\\`, [brackets] \\<script>alert(1)\\</script>',
        '',
        '## Heading two',
        '',
        '- First',
        '  - Nested',
        '- Second',
        '',
        '1. One',
        '2. Two',
        '',
        '### Heading three',
        '',
        '- [x] Done',
        '- [ ] Todo',
        '  - [ ] Sub-task',
        '',
        '```ts',
        'const a = 1 < 2 && `x`;',
        '// *not* emphasis',
        '```',
        '',
        '> Quoted',
        '',
        '---',
        '',
        'Line one\\',
        'Line two',
        '',
      ].join('\n'),
    );
  });

  test('markdown reads back into the same document through Tiptap’s own parser', () => {
    // Tiptap's parser keeps inline `<u>…</u>` as literal text (it only reads its own `++…++`), so the
    // underline is left out here; CommonMark renderers do show `<u>` as underline.
    const withoutUnderline = JSON.parse(JSON.stringify(representative).replace(/,"marks":\[\{"type":"underline"\}\]/g, ''));
    const body = exportDoc(ydocFrom(withoutUnderline), 'markdown').body;
    const parsed = new MarkdownManager({ extensions: exportExtensions }).parse(body);
    expect(PMNode.fromJSON(documentSchema, parsed).toJSON()).toEqual(pmDoc(withoutUnderline).toJSON());
  });

  test('markdown: text that looks like block syntax stays text', () => {
    const ydoc = ydocFrom(
      doc(
        paragraph(text('# not a heading')),
        paragraph(text('- not a list'), hardBreak, text('2) nor this'), hardBreak, text('===')),
        paragraph(text('```', code), text(' and '), text('`', code)),
        codeBlock(null, 'a fence inside:\n```\n'),
        heading(2, text('Ends with #')),
        paragraph(text('trailing break'), hardBreak),
      ),
    );
    expect(exportDoc(ydoc, 'markdown').body).toBe(
      [
        '\\# not a heading',
        '',
        '\\- not a list\\',
        '2\\) nor this\\',
        '\\===',
        '',
        '```` ``` ```` and `` ` ``',
        '',
        '````',
        'a fence inside:',
        '```',
        '',
        '````',
        '',
        '## Ends with \\#',
        '',
        'trailing break',
        '',
      ].join('\n'),
    );
  });

  test('html: a complete document built by the schema’s renderHTML, with everything escaped', () => {
    const body = exportDoc(ydocFrom(representative, TITLE), 'html').body;
    expect(body.startsWith('<!DOCTYPE html>\n<html><head><meta charset="utf-8">')).toBe(true);
    const page = parseHtml(body);

    expect(page.title).toBe(TITLE);
    expect(page.querySelectorAll('script')).toHaveLength(0);
    expect(page.body.firstElementChild?.outerHTML).toBe('<h1>Notes: *draft* &amp; &lt;plans&gt;</h1>');
    expect([...page.body.querySelectorAll('h1, h2, h3')].map((h) => `${h.tagName}:${h.textContent}`)).toEqual([
      `H1:${TITLE}`,
      'H1:Heading one',
      'H2:Heading two',
      'H3:Heading three',
    ]);
    const [first, second] = page.body.querySelectorAll('p');
    expect(first?.innerHTML).toBe(
      'Plain, <strong>bold</strong>, <em>italic</em>, <s>struck</s>, <u>under</u>, <code>a `tick`</code> and ' +
        '<a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com/a_b?x=1&amp;y=2">a link</a>.',
    );
    expect(second?.textContent).toContain('a < b && c > d, `backticks`, [brackets] <script>alert(1)</script>');
    expect(page.querySelector('body > ul:not([data-type]) > li > ul > li')?.textContent).toBe('Nested');
    expect([...page.querySelectorAll('body > ol > li')].map((li) => li.textContent)).toEqual(['One', 'Two']);
    const tasks = [...page.querySelectorAll('li[data-type="taskItem"]')];
    expect(tasks.map((li) => [li.getAttribute('data-checked'), li.querySelector('input')?.hasAttribute('checked')])).toEqual([
      ['true', true],
      ['false', false],
      ['false', false],
    ]);
    expect(page.querySelector('li[data-type="taskItem"] ul[data-type="taskList"]')?.textContent).toBe('Sub-task');
    const pre = page.querySelector('pre > code.language-ts');
    expect(pre?.textContent).toBe('const a = 1 < 2 && `x`;\n// *not* emphasis');
    expect(page.querySelector('blockquote > p')?.textContent).toBe('Quoted');
    expect(page.querySelectorAll('hr')).toHaveLength(1);
    expect([...page.querySelectorAll('body > p')].at(-1)?.innerHTML).toBe('Line one<br>Line two');
  });

  test('html: a task’s checkbox sits on the line of its text (the paragraph margin is gone, both on one baseline)', () => {
    const page = parseHtml(exportDoc(ydocFrom(representative), 'html').body);
    const style = page.querySelector('style')?.textContent ?? '';
    expect(style).toContain('li[data-type="taskItem"]{display:flex;gap:0.5rem;align-items:baseline}');
    expect(style).toContain('li[data-type="taskItem"] p{margin:0}');
    // The markup the rule relies on: the box and the text are the item's two flex children.
    const item = page.querySelector('li[data-type="taskItem"]');
    expect([...(item?.children ?? [])].map((child) => child.tagName)).toEqual(['LABEL', 'DIV']);
    expect(item?.querySelector('label > input[type="checkbox"]')).not.toBeNull();
  });

  test('html: a hostile title cannot break out of <title> or <h1>', () => {
    const title = '</title><script>alert(1)</script><img src=x onerror=alert(2)>"\'&amp;';
    const page = parseHtml(exportDoc(ydocFrom(doc(paragraph(text('x'))), title), 'html').body);
    expect(page.title).toBe(title);
    expect(page.querySelector('h1')?.textContent).toBe(title);
    expect(page.querySelectorAll('script, img')).toHaveLength(0);
  });

  test('links with a disallowed scheme lose their href in html and their link in markdown', () => {
    const ydoc = ydocFrom(doc(paragraph(text('click', link('javascript:alert(1)')), text(' '), text('ok', bold, link('https://a.example/x y(1)')))));
    const page = parseHtml(exportDoc(ydoc, 'html').body);
    expect([...page.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['', 'https://a.example/x y(1)']);
    expect(exportDoc(ydoc, 'markdown').body).toBe('click [**ok**](https://a.example/x%20y\\(1\\))\n');
  });

  test('json: title plus the exact ProseMirror JSON of the document', () => {
    const parsed = JSON.parse(exportDoc(ydocFrom(representative, TITLE), 'json').body) as { title: string; content: unknown };
    expect(parsed.title).toBe(TITLE);
    expect(parsed.content).toEqual(pmDoc(representative).toJSON());
    expect(PMNode.fromJSON(documentSchema, parsed.content).eq(pmDoc(representative))).toBe(true);
  });

  test('text: blocks separated by blank lines, title first', () => {
    expect(exportDoc(ydocFrom(representative, TITLE), 'text').body).toBe(
      [
        TITLE,
        'Heading one',
        'Plain, bold, italic, struck, under, a `tick` and a link.',
        'Escapes: 2 * 3 = 6, snake_case, a < b && c > d, `backticks`, [brackets] <script>alert(1)</script>',
        'Heading two',
        'First',
        'Nested',
        'Second',
        'One',
        'Two',
        'Heading three',
        'Done',
        'Todo',
        'Sub-task',
        'const a = 1 < 2 && `x`;\n// *not* emphasis',
        'Quoted',
        '---',
        'Line one\nLine two\n',
      ].join('\n\n'),
    );
  });

  test('a never-edited document exports in every format', () => {
    const ydoc = new Y.Doc();
    expect(exportDoc(ydoc, 'markdown').body).toBe('');
    expect(exportDoc(ydoc, 'text').body).toBe('');
    expect(JSON.parse(exportDoc(ydoc, 'json').body)).toEqual({ title: '', content: { type: 'doc', content: [{ type: 'paragraph', attrs: { textAlign: null } }] } });
    const page = parseHtml(exportDoc(ydoc, 'html').body);
    expect(page.title).toBe('Untitled');
    expect(page.body.innerHTML.trim()).toBe('<p></p>');
  });

  test('a title alone, empty paragraphs at the edges and odd title values', () => {
    const ydoc = ydocFrom(doc(paragraph(), paragraph(text('Body')), paragraph(), paragraph()), '  Multi\nline   title ');
    expect(exportDoc(ydoc, 'markdown').body).toBe('# Multi line title\n\nBody\n');
    expect(exportDoc(ydoc, 'text').body).toBe('Multi line title\n\nBody\n');
    expect(exportDoc(ydocFrom(doc(paragraph()), 'Only'), 'markdown').body).toBe('# Only\n');
    expect(exportDoc(ydocFrom(doc(paragraph()), 'Only'), 'text').body).toBe('Only\n');

    // What a client may put into the title text besides characters: formatting and embeds are left out.
    const odd = ydocFrom(doc(paragraph()), 'Formatted title');
    odd.getText('title').format(0, 9, { bold: true });
    odd.getText('title').insertEmbed(9, { image: 'x.png' });
    expect(exportDoc(odd, 'text').body).toBe('Formatted title\n');
    // Only the title text counts: a string left in the legacy meta map is the load's to move [U6], not the export's.
    const legacy = ydocFrom(doc(paragraph()));
    legacy.getMap('meta').set('title', 'Legacy');
    expect(exportDoc(legacy, 'text').body).toBe('');
  });

  test('never writes to the live document, even when it holds content the schema does not know', () => {
    const ydoc = ydocFrom(representative, TITLE);
    const fragment = ydoc.getXmlFragment('default');
    const unknown = new Y.XmlElement('video');
    unknown.setAttribute('src', 'x.mp4');
    fragment.insert(1, [unknown]);
    const odd = new Y.XmlElement('paragraph');
    fragment.insert(2, [odd]);
    const oddText = new Y.XmlText();
    odd.insert(0, [oddText]);
    oddText.insert(0, 'text with an unknown mark', { blink: { speed: 'fast' } });

    const before = Y.encodeStateAsUpdate(ydoc);
    const updates: Uint8Array[] = [];
    ydoc.on('update', (update: Uint8Array) => updates.push(update));
    const outputs = FORMATS.map((format) => exportDoc(ydoc, format).body);

    expect(updates).toEqual([]);
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
    expect(fragment.length).toBe(representative.content!.length + 2);
    // What the server's schema cannot represent is left out of the export, never out of the document:
    // the unknown node entirely, the text with an unknown mark as a whole (y-tiptap drops the Y.XmlText).
    expect(outputs[0]).toContain('# Heading one\n\n\n\nPlain, **bold**');
    expect(outputs.join('')).not.toContain('x.mp4');
    expect(outputs.join('')).not.toContain('unknown mark');
  });

  // Speed is measured by `npm run bench`, not asserted here: a timed unit test only measures the machine.
  test('exports a ~1 MB document completely in every format', () => {
    const blocks = Array.from({ length: 600 }, () => representative.content!).flat();
    const ydoc = ydocFrom(doc(...blocks), TITLE);
    expect(Y.encodeStateAsUpdate(ydoc).length).toBeGreaterThan(1_000_000);
    for (const format of FORMATS) {
      const { body } = exportDoc(ydoc, format);
      // 600 copies of the representative document, every one of them rendered.
      expect(body.split('Heading one').length - 1, format).toBe(600);
    }
  }, 60_000);
});
