import fc from 'fast-check';
import type { JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import { afterAll, describe, expect, test } from 'vitest';
import { exportDoc } from '../../src/export/export-doc.js';
import { toMarkdown } from '../../src/export/markdown.js';
import { cellLine, gfmTable } from '../../src/export/markdown-table.js';
import { exportExtensions } from '../../src/export/schema.js';
import {
  bold,
  bulletList,
  code,
  codeBlock,
  doc,
  hardBreak,
  heading,
  italic,
  link,
  listItem,
  paragraph,
  pmDoc,
  table,
  td,
  text,
  th,
  tr,
  ydocFrom,
} from './fixtures.js';

const window = new Window();
afterAll(() => window.happyDOM.close());

/** A cell renderer for layout tests: the text of the cell's first paragraph. */
const plain = (cell: JSONContent) => cell.content?.[0]?.content?.[0]?.text ?? '';
const cellOf = (value: string) => paragraph(text(value));

/** How a GFM reader (marked, GitHub's dialect) sees the Markdown: rows of cell texts, header first. */
function readAsGfm(markdown: string): string[][] {
  const page = new window.DOMParser().parseFromString(marked.parse(markdown, { gfm: true, async: false }), 'text/html');
  return [...page.querySelectorAll('tr')].map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.innerHTML));
}

describe('gfmTable: layout', () => {
  test('a header row, padded columns and the delimiter row', () => {
    const t = table(tr(th({}, cellOf('Name')), th({}, cellOf('Qty'))), tr(td({}, cellOf('Apples')), td({}, cellOf('3'))));
    expect(gfmTable(t, plain)).toBe(['| Name   | Qty |', '| ------ | --- |', '| Apples | 3   |'].join('\n'));
  });

  test('without a header row the header is left empty rather than promoting the first row', () => {
    const t = table(tr(td({}, cellOf('a')), td({}, cellOf('b'))), tr(td({}, cellOf('c')), td({}, cellOf('d'))));
    expect(gfmTable(t, plain)).toBe(['|     |     |', '| --- | --- |', '| a   | b   |', '| c   | d   |'].join('\n'));
  });

  test('a header column alone is no header row', () => {
    const t = table(tr(th({}, cellOf('Row 1')), td({}, cellOf('x'))), tr(th({}, cellOf('Row 2')), td({}, cellOf('y'))));
    expect(gfmTable(t, plain).split('\n')[0]).toBe('|       |     |');
  });

  test('merged cells keep their content in the top-left slot; the slots they cover stay empty', () => {
    const t = table(
      tr(th({ colspan: 2 }, cellOf('Both')), th({}, cellOf('C'))),
      tr(td({ rowspan: 2 }, cellOf('Tall')), td({}, cellOf('b1')), td({}, cellOf('c1'))),
      tr(td({}, cellOf('b2')), td({}, cellOf('c2'))),
    );
    expect(gfmTable(t, plain)).toBe(
      ['| Both |     | C   |', '| ---- | --- | --- |', '| Tall | b1  | c1  |', '|      | b2  | c2  |'].join('\n'),
    );
  });

  test('a rowspan past the last row is cut at the table’s end; short rows are filled', () => {
    const t = table(tr(td({ rowspan: 5 }, cellOf('a')), td({}, cellOf('b')), td({}, cellOf('c'))), tr(td({}, cellOf('d'))));
    expect(gfmTable(t, plain).split('\n').slice(2)).toEqual(['| a   | b   | c   |', '|     | d   |     |']);
  });

  test('column alignment comes from the first aligned cell of the column', () => {
    const t = table(
      tr(th({}, cellOf('L')), th({ align: 'center' }, cellOf('C')), th({}, cellOf('R'))),
      tr(td({ align: 'left' }, cellOf('1')), td({}, cellOf('2')), td({ align: 'right' }, cellOf('3'))),
    );
    expect(gfmTable(t, plain).split('\n')[1]).toBe('| :-- | :-: | --: |');
  });

  test('a column wider than 40 characters is not padded', () => {
    const long = 'x'.repeat(50);
    const t = table(tr(th({}, cellOf('Short')), th({}, cellOf('H'))), tr(td({}, cellOf(long)), td({}, cellOf('y'))));
    expect(gfmTable(t, plain)).toBe([`| Short | H   |`, '| --- | --- |', `| ${long} | y   |`].join('\n'));
  });

  test('an empty table renders nothing', () => {
    expect(gfmTable(table(), plain)).toBe('');
    expect(gfmTable(table(tr()), plain)).toBe('');
  });
});

describe('cellLine', () => {
  test.each([
    ['a|b', 'a\\|b'],
    ['`a|b`', '`a\\|b`'],
    ['- one\n- two', '- one<br>- two'],
    ['  a  \n   b ', 'a<br>b'],
    ['a\\\\|b', 'a\\\\\\|b'],
  ])('%j → %j', (input, expected) => expect(cellLine(input)).toBe(expected));
});

describe('markdown export of tables', () => {
  const formatted = table(
    tr(th({}, paragraph(text('Feature', bold))), th({}, paragraph(text('Notes')))),
    tr(
      td({}, paragraph(text('Pipes ', italic), text('a|b', code), text(' and '), text('docs', link('https://example.com/a|b')))),
      td({}, paragraph(text('Line one'), hardBreak, text('Line two')), paragraph(text('Second paragraph'))),
    ),
    tr(
      td({}, heading(3, text('A heading')), codeBlock('js', 'let a = 1;\nlet b = a | 2;')),
      td({}, bulletList(listItem(paragraph(text('first'))), listItem(paragraph(text('second'))))),
    ),
  );

  test('cells keep inline formatting; blocks inside them become one line', () => {
    const markdown = toMarkdown(pmDoc(doc(paragraph(text('Before')), formatted, paragraph(text('After')))), '');
    expect(markdown).toBe(
      [
        'Before',
        '',
        // The first column is wider than 40 characters, so it is not padded; the second is.
        `| **Feature** | ${'Notes'.padEnd(40)} |`,
        `| --- | ${'-'.repeat(40)} |`,
        '| *Pipes* `a\\|b` and [docs](https://example.com/a\\|b) | Line one<br>Line two<br>Second paragraph |',
        `| A heading<br>\`let a = 1;\`<br>\`let b = a \\| 2;\` | ${'- first<br>- second'.padEnd(40)} |`,
        '',
        'After',
        '',
      ].join('\n'),
    );
    // A GFM reader sees the same grid, with the formatting and without the escapes (it percent-encodes the
    // `|` of the link, which is the same URL).
    expect(readAsGfm(markdown)).toEqual([
      ['<strong>Feature</strong>', 'Notes'],
      ['<em>Pipes</em> <code>a|b</code> and <a href="https://example.com/a%7Cb">docs</a>', 'Line one<br>Line two<br>Second paragraph'],
      ['A heading<br><code>let a = 1;</code><br><code>let b = a | 2;</code>', '- first<br>- second'],
    ]);
  });

  test('text that looks like table syntax stays text inside a cell', () => {
    const t = table(tr(th({}, paragraph(text('| --- |'))), th({}, paragraph(text('# not a heading')))), tr(td({}, paragraph(text('- x'))), td({}, paragraph())));
    const markdown = toMarkdown(pmDoc(doc(t)), '');
    expect(markdown).toBe(['| \\| --- \\| | # not a heading |', '| --------- | --------------- |', '| - x       |                 |', ''].join('\n'));
    expect(readAsGfm(markdown)).toEqual([
      ['| --- |', '# not a heading'],
      ['- x', ''],
    ]);
  });

  test('a merged table degrades to a full grid that a GFM reader can show', () => {
    const merged = table(tr(th({ colspan: 2 }, paragraph(text('Q1', bold))), th({}, paragraph(text('Q2')))), tr(td({}, paragraph(text('a'))), td({}, paragraph(text('b'))), td({}, paragraph(text('c')))));
    expect(readAsGfm(toMarkdown(pmDoc(doc(merged)), ''))).toEqual([
      ['<strong>Q1</strong>', '', 'Q2'],
      ['a', 'b', 'c'],
    ]);
  });

  test('a header table with inline formatting reads back into the same document through Tiptap’s parser', () => {
    const original = pmDoc(
      doc(
        table(
          tr(th({}, paragraph(text('Name'))), th({}, paragraph(text('Link')))),
          tr(td({}, paragraph(text('bold', bold), text(' & <plain> | text'))), td({}, paragraph(text('x', link('https://example.com/'))))),
        ),
      ),
    );
    const parsed = new MarkdownManager({ extensions: exportExtensions }).parse(toMarkdown(original, ''));
    expect(pmDoc(parsed).toJSON()).toEqual(original.toJSON());
  });

  test('any cell text survives the round trip', () => {
    const parser = new MarkdownManager({ extensions: exportExtensions });
    const risky = fc
      .array(fc.constantFrom(...'ab1 #*-_++=<>`~[]()!\\&.|:;/"{}$%^?'.split('')), { minLength: 1, maxLength: 16 })
      .map((chars) => chars.join('').trim())
      .filter((s) => s !== '');
    fc.assert(
      fc.property(risky, risky, risky, (a, b, c) => {
        const original = pmDoc(doc(table(tr(th({}, paragraph(text(a))), th({}, paragraph(text(b, bold)))), tr(td({}, paragraph(text(c))), td({}, paragraph(text(a, italic)))))));
        expect(pmDoc(parser.parse(toMarkdown(original, ''))).toJSON()).toEqual(original.toJSON());
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});

describe('html export of tables', () => {
  test('the schema’s own table markup: header cells, spans, inline formatting, and CSS that draws the grid', () => {
    const ydoc = ydocFrom(
      doc(table(tr(th({ colspan: 2 }, paragraph(text('Both', bold)))), tr(td({}, paragraph(text('a < b'))), td({ rowspan: 1 }, paragraph(text('x', code)))))),
    );
    const body = exportDoc(ydoc, 'html').body;
    const page = new window.DOMParser().parseFromString(body, 'text/html');
    const rows = [...page.querySelectorAll('table > tbody > tr')];
    expect(rows.map((row) => [...row.children].map((cell) => `${cell.tagName}${cell.getAttribute('colspan')}:${cell.innerHTML}`))).toEqual([
      ['TH2:<p><strong>Both</strong></p>'],
      ['TD1:<p>a &lt; b</p>', 'TD1:<p><code>x</code></p>'],
    ]);
    expect(page.querySelectorAll('table > colgroup > col')).toHaveLength(2);
    expect(page.querySelector('style')?.textContent).toMatch(/table\{border-collapse:collapse/);
    expect(page.querySelector('style')?.textContent).toMatch(/th,td\{border:1px solid/);
  });
});
