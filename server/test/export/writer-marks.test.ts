/**
 * The writer's marks and attributes (highlight, text colour, alignment, sub/superscript, headings 1–6):
 * HTML keeps them as the editor draws them; Markdown keeps what it can say and writes the text of the rest.
 */
import type { JSONContent } from '@tiptap/core';
import { describe, expect, test } from 'vitest';
import { exportDoc } from '../../src/export/export-doc.js';
import { doc, paragraph, text, ydocFrom } from './fixtures.js';

const aligned = (type: 'paragraph' | 'heading', textAlign: string, content: JSONContent[], level?: number): JSONContent => ({
  type,
  attrs: level ? { level, textAlign } : { textAlign },
  content,
});

const writerDoc = doc(
  aligned('heading', 'center', [text('Centred')], 2),
  aligned('paragraph', 'right', [
    text('a '),
    text('yellow', { type: 'highlight' }),
    text(' and '),
    text('green', { type: 'highlight', attrs: { color: '#bbf7d0' } }),
    text(' then '),
    text('red', { type: 'textStyle', attrs: { color: '#dc2626' } }),
    text(' H'),
    text('2', { type: 'subscript' }),
    text('O x'),
    text('2', { type: 'superscript' }),
  ]),
  ...[4, 5, 6].map((level) => ({ type: 'heading', attrs: { level }, content: [text(`Level ${level}`)] })),
);

describe('writer marks in exports', () => {
  test('markdown: highlight as ==text==, sub/superscript as inline HTML, colour and alignment as plain text', () => {
    expect(exportDoc(ydocFrom(writerDoc), 'markdown').body).toBe(
      ['## Centred', '', 'a ==yellow== and ==green== then red H<sub>2</sub>O x<sup>2</sup>', '', '#### Level 4', '', '##### Level 5', '', '###### Level 6', ''].join('\n'),
    );
  });

  test('html: alignment, highlight colours, text colour and sub/superscript as the editor renders them', () => {
    const html = exportDoc(ydocFrom(writerDoc), 'html').body;
    expect(html).toContain('<h2 style="text-align: center">Centred</h2>');
    expect(html).toContain('<p style="text-align: right">a <mark>yellow</mark> and ');
    expect(html).toContain('<mark data-color="#bbf7d0" style="background-color: #bbf7d0; color: inherit">green</mark>');
    expect(html).toContain('<span style="color: #dc2626">red</span>');
    expect(html).toContain('H<sub>2</sub>O x<sup>2</sup>');
    expect(html).toContain('<h6>Level 6</h6>');
  });

  test('text: only the words', () => {
    expect(exportDoc(ydocFrom(doc(paragraph(text('H'), text('2', { type: 'subscript' }), text('O', { type: 'highlight' })))), 'text').body).toBe('H2O\n');
  });
});

describe('colours from a peer', () => {
  test('a colour that is not a colour is not rendered: no CSS smuggled into the style attribute', () => {
    const hostile = 'red; background-image: url(https://tracker.example/x.png)';
    const html = exportDoc(
      ydocFrom(doc(paragraph(text('a', { type: 'textStyle', attrs: { color: hostile } }), text('b', { type: 'highlight', attrs: { color: hostile } })))),
      'html',
    ).body;
    expect(html).not.toContain('tracker.example');
    expect(html).toContain('<span>a</span><mark>b</mark>');
  });
});
