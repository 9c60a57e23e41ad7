/**
 * [CM6] Exports with `comments=1`: Markdown footnotes, HTML `<aside>`s, a `comments` list in JSON, notes in
 * plain text — each reference where its passage ends, detached threads listed after the text.
 */
import { COMMENTS_MAP, CONTENT_FRAGMENT } from '@tandem/common';
import { Window } from 'happy-dom';
import { afterAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { exportDoc } from '../../src/export/export-doc.js';
import { addThread, reply } from '../comments/support.js';
import { bold, codeBlock, doc, hardBreak, paragraph, text, ydocFrom } from './fixtures.js';

const window = new Window();
afterAll(() => window.happyDOM.close());
const parseHtml = (html: string) => new window.DOMParser().parseFromString(html, 'text/html');

/** Relative positions around the first occurrence of `words` in the text nodes, in document order. */
function around(ydoc: Y.Doc, words: string): { from: Uint8Array; to: Uint8Array } {
  const walker = ydoc.getXmlFragment(CONTENT_FRAGMENT).createTreeWalker((node) => node instanceof Y.XmlText);
  for (const node of walker) {
    const plain = (node as Y.XmlText).toDelta().map((op: { insert: unknown }) => (typeof op.insert === 'string' ? op.insert : ' ')).join('');
    const at = plain.indexOf(words);
    if (at < 0) continue;
    return {
      from: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(node as Y.XmlText, at)),
      to: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(node as Y.XmlText, at + words.length, -1)),
    };
  }
  throw new Error(`no ${words}`);
}

const AT = Date.UTC(2024, 0, 2, 13, 45);

function commented(): Y.Doc {
  const ydoc = ydocFrom(
    doc(
      paragraph(text('The quick '), text('brown', bold), text(' fox \uE000tag:1\uE001')),
      paragraph(text('x'), hardBreak, text('after break')),
      codeBlock('js', 'let code = 1;'),
      paragraph(text('soon gone')),
    ),
    'Notes',
  );
  addThread(ydoc, 'a', { id: 'c1', author: 'Carol', body: 'Which *fox*? <b>', createdAt: AT }, { quote: 'quick', ...around(ydoc, 'quick') });
  reply(ydoc, 'a', { id: 'c2', author: 'Alice', body: 'The brown one.\nSecond line.', createdAt: AT + 60_000 });
  addThread(ydoc, 'b', { id: 'c3', author: 'Bob', body: 'After the break', createdAt: AT }, { quote: 'after', ...around(ydoc, 'after') });
  addThread(ydoc, 'c', { id: 'c4', author: 'Dan', body: 'In code', createdAt: AT }, { quote: 'code', ...around(ydoc, 'code') });
  addThread(ydoc, 'd', { id: 'c5', author: 'Eve', body: 'Gone now', createdAt: AT }, { quote: 'soon gone', ...around(ydoc, 'soon gone') });
  (ydoc.getMap(COMMENTS_MAP).get('b') as Y.Map<unknown>).set('resolved', true);
  const fragment = ydoc.getXmlFragment(CONTENT_FRAGMENT);
  fragment.delete(fragment.length - 1, 1);
  return ydoc;
}

describe('[CM6] exports with comments', () => {
  test('Markdown: a footnote reference where each passage ends, the threads as footnotes after the text', () => {
    const body = exportDoc(commented(), 'markdown', { comments: true }).body;
    expect(body).toBe(
      [
        '# Notes',
        '',
        'The quick[^c1] **brown** fox \uE000tag:1\uE001',
        '',
        'x\\',
        'after[^c2] break',
        '',
        '```js',
        'let code = 1;',
        '```',
        '',
        'Comments on text that is no longer there: [^c3] [^c4]',
        '',
        '[^c1]: *“quick”*',
        '',
        '    **Carol** (2024-01-02 13:45): Which \\*fox\\*? \\<b>',
        '',
        '    **Alice** (2024-01-02 13:46): The brown one.',
        '    Second line.',
        '',
        '[^c2]: *“after”* (resolved)',
        '',
        '    **Bob** (2024-01-02 13:45): After the break',
        '',
        '[^c3]: *“code”*',
        '',
        '    **Dan** (2024-01-02 13:45): In code',
        '',
        '[^c4]: *“soon gone”*',
        '',
        '    **Eve** (2024-01-02 13:45): Gone now',
        '',
      ].join('\n'),
    );
  });

  test('HTML: a numbered link where each passage ends, one <aside> per thread, everything escaped', () => {
    const page = parseHtml(exportDoc(commented(), 'html', { comments: true }).body);
    const refs = [...page.querySelectorAll('sup.comment-ref a')].map((a) => [a.getAttribute('href'), a.previousSibling?.textContent ?? a.parentElement?.previousSibling?.textContent]);
    expect(refs.map(([href]) => href)).toEqual(['#comment-1', '#comment-2']);
    expect(page.querySelector('sup.comment-ref')!.previousSibling!.textContent).toBe('The quick');
    const asides = [...page.querySelectorAll('section.comments aside.comment-thread')];
    expect(asides.map((a) => [a.id, a.getAttribute('data-resolved'), a.querySelector('q')?.textContent])).toEqual([
      ['comment-1', 'false', 'quick'],
      ['comment-2', 'true', 'after'],
      ['comment-3', 'false', 'code'],
      ['comment-4', 'false', 'soon gone'],
    ]);
    const first = [...asides[0]!.querySelectorAll('p.comment')].map((p) => [p.querySelector('strong')?.textContent, p.querySelector('time')?.getAttribute('datetime'), p.textContent]);
    expect(first).toEqual([
      ['Carol', '2024-01-02T13:45:00.000Z', 'Carol 2024-01-02 13:45: Which *fox*? <b>'],
      ['Alice', '2024-01-02T13:46:00.000Z', 'Alice 2024-01-02 13:46: The brown one.\nSecond line.'],
    ]);
    expect(page.querySelectorAll('b')).toHaveLength(0);
    expect(asides[3]!.textContent).toContain('(text no longer there)');
  });

  test('JSON lists the threads beside the unchanged content; text marks passages with [n]', () => {
    const ydoc = commented();
    const json = JSON.parse(exportDoc(ydoc, 'json', { comments: true }).body) as { content: unknown; comments: { id: string; detached: boolean }[] };
    expect(json.content).toEqual(JSON.parse(exportDoc(ydoc, 'json').body).content);
    expect(json.comments.map((t) => [t.id, t.detached])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', true],
    ]);
    const plain = exportDoc(ydoc, 'text', { comments: true }).body;
    expect(plain).toContain('The quick[1] brown fox');
    expect(plain).toContain('[4] “soon gone” (text no longer there)\n    Eve (2024-01-02 13:45): Gone now');
  });

  test('without the option, nothing of the comments appears', () => {
    const ydoc = commented();
    for (const format of ['markdown', 'html', 'text'] as const) {
      const body = exportDoc(ydoc, format).body;
      expect(body).not.toContain('[^c1]');
      expect(body).not.toContain('comment-thread');
      expect(body).not.toContain('Which');
    }
    expect(exportDoc(ydocFrom(doc(paragraph(text('plain')))), 'markdown', { comments: true }).body).toBe('plain\n');
  });
});
