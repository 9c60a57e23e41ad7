import { Editor, type JSONContent } from '@tiptap/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contentExtensions } from './extensions';
import { MarkdownPaste, loadMarkdownConverter, looksLikeMarkdown } from './markdownPaste';
import { markdownToHtml } from './markdownToHtml';

const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});
beforeAll(async () => {
  await loadMarkdownConverter();
});

function editor(content = '<p></p>'): Editor {
  const e = new Editor({ element: document.createElement('div'), extensions: [...contentExtensions({ editable: true }), MarkdownPaste], content });
  editors.push(e);
  e.commands.focus('end');
  return e;
}

/** Pastes as the browser does: a paste event whose clipboard holds `data` (type → text). */
function paste(e: Editor, data: Record<string, string>, options: { shift?: boolean } = {}): void {
  if (options.shift) e.view.dom.dispatchEvent(new KeyboardEvent('keydown', { key: 'Shift', shiftKey: true, keyCode: 16, bubbles: true }));
  const clipboardData = new DataTransfer();
  for (const [type, value] of Object.entries(data)) clipboardData.setData(type, value);
  e.view.dom.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  if (options.shift) e.view.dom.dispatchEvent(new KeyboardEvent('keyup', { key: 'Shift', keyCode: 16, bubbles: true }));
}

/** The document's blocks without the empty paragraphs a paste leaves around. */
/** Unaligned blocks carry `textAlign: null` (TextAlign in the schema); left out here, where alignment is never set. */
const withoutAlign = (node: JSONContent): JSONContent => {
  const { attrs, content, ...rest } = node;
  const kept = Object.fromEntries(Object.entries(attrs ?? {}).filter(([name, value]) => !(name === 'textAlign' && value === null)));
  return { ...rest, ...(Object.keys(kept).length ? { attrs: kept } : {}), ...(content ? { content: content.map(withoutAlign) } : {}) };
};
const blocks = (e: Editor): JSONContent[] => (e.getJSON().content ?? []).map(withoutAlign).filter((b) => !(b.type === 'paragraph' && !b.content));
const text = (value: string, ...marks: string[]): JSONContent => (marks.length ? { type: 'text', text: value, marks: marks.map((type) => ({ type })) } : { type: 'text', text: value });
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });

describe('looksLikeMarkdown', () => {
  it.each([
    '# Title',
    '###### Six',
    '- item',
    '* item',
    '1. first',
    '- [ ] task',
    '> quoted',
    '```\ncode\n```',
    '---',
    'a **bold** word',
    'an *emphasised* word',
    'some `code` here',
    '~~gone~~',
    'see [the docs](https://example.com)',
    '| a | b |\n| --- | --- |\n| 1 | 2 |',
    'Intro line\n\n## Later heading',
  ])('%j is Markdown', (input) => expect(looksLikeMarkdown(input)).toBe(true));

  it.each([
    'Just a sentence.',
    'Two lines\nof plain text',
    'https://example.com/a_b_c',
    'snake_case_name and 2 * 3 = 6',
    '#hashtag',
    'C:\\Users\\me',
    'price: $5 - $10',
    'a | b but no table',
  ])('%j is plain text', (input) => expect(looksLikeMarkdown(input)).toBe(false));
});

describe('markdownToHtml', () => {
  it('writes task lists in the markup the schema reads, without the GFM checkbox inputs', () => {
    expect(markdownToHtml('- [x] done\n- [ ] todo')).toBe(
      '<ul data-type="taskList"><li data-type="taskItem" data-checked="true">done</li><li data-type="taskItem" data-checked="false">todo</li></ul>',
    );
  });

  it('ends a code block with its last line, keeping the language', () => {
    expect(markdownToHtml('```ts\nconst a = 1 < 2;\n```')).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
  });
});

describe('pasting Markdown as plain text', () => {
  it('headings, emphasis, code, links, lists, quotes and code blocks become formatting', () => {
    const e = editor();
    paste(e, {
      'text/plain': [
        '# Release notes',
        '',
        'Version **2.0** is *fast*, has `code` and [docs](https://example.com/docs) and ~~bugs~~.',
        '',
        '- one',
        '- two',
        '',
        '1. first',
        '',
        '> quoted',
        '',
        '```js',
        'let x = 1;',
        '```',
      ].join('\n'),
    });
    expect(blocks(e)).toEqual([
      { type: 'heading', attrs: { level: 1 }, content: [text('Release notes')] },
      p(
        text('Version '),
        text('2.0', 'bold'),
        text(' is '),
        text('fast', 'italic'),
        text(', has '),
        text('code', 'code'),
        text(' and '),
        {
          type: 'text',
          text: 'docs',
          marks: [{ type: 'link', attrs: { href: 'https://example.com/docs', target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null } }],
        },
        text(' and '),
        text('bugs', 'strike'),
        text('.'),
      ),
      { type: 'bulletList', content: [{ type: 'listItem', content: [p(text('one'))] }, { type: 'listItem', content: [p(text('two'))] }] },
      { type: 'orderedList', attrs: { start: 1, type: null }, content: [{ type: 'listItem', content: [p(text('first'))] }] },
      { type: 'blockquote', content: [p(text('quoted'))] },
      { type: 'codeBlock', attrs: { language: 'js' }, content: [text('let x = 1;')] },
    ]);
  });

  it('task lists keep their ticks', () => {
    const e = editor();
    paste(e, { 'text/plain': '- [x] shipped\n- [ ] pending' });
    expect(blocks(e)).toEqual([
      {
        type: 'taskList',
        content: [
          { type: 'taskItem', attrs: { checked: true }, content: [p(text('shipped'))] },
          { type: 'taskItem', attrs: { checked: false }, content: [p(text('pending'))] },
        ],
      },
    ]);
  });

  it('a GFM table becomes a table with a header row, keeping cell formatting and alignment', () => {
    const e = editor();
    paste(e, { 'text/plain': '| Feature | Status |\n| :-- | --: |\n| Tables | **done** |' });
    const table = blocks(e)[0]!;
    expect(table.type).toBe('table');
    const cells = table.content!.map((row) => row.content!.map((cell) => [cell.type, cell.attrs?.['align'], cell.content?.[0]?.content]));
    expect(cells).toEqual([
      [
        ['tableHeader', 'left', [text('Feature')]],
        ['tableHeader', 'right', [text('Status')]],
      ],
      [
        ['tableCell', 'left', [text('Tables')]],
        ['tableCell', 'right', [text('done', 'bold')]],
      ],
    ]);
  });

  it('inline Markdown pasted inside a paragraph stays in that paragraph', () => {
    const e = editor('<p>Before after</p>');
    e.commands.setTextSelection(8); // after "Before "
    paste(e, { 'text/plain': '**bold**' });
    expect(blocks(e)).toEqual([p(text('Before '), text('bold', 'bold'), text('after'))]);
  });

  it('raw HTML in the Markdown is held to the schema: no script, no handlers; an image keeps only its attributes', () => {
    const e = editor();
    paste(e, { 'text/plain': '# Hi\n\n<script>window.pwned = 1</script>\n\n<img src=x onerror="window.pwned = 2">text' });
    expect(JSON.stringify(e.getJSON())).not.toMatch(/script|onerror|pwned/);
    // [UP7] An image node now (the editor copies or links it, see imageUploads.ts); `x` is no source it shows.
    expect(e.view.dom.querySelector('img[src]')).toBeNull();
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    expect(blocks(e)[0]).toEqual({ type: 'heading', attrs: { level: 1 }, content: [text('Hi')] });
  });
});

describe('what is not converted', () => {
  it('plain text keeps ProseMirror’s handling: a paragraph per line', () => {
    const e = editor();
    paste(e, { 'text/plain': 'First line\nSecond line' });
    expect(blocks(e)).toEqual([p(text('First line')), p(text('Second line'))]);
  });

  it('Shift+paste pastes Markdown as the text it is', () => {
    const e = editor();
    paste(e, { 'text/plain': '# Not a heading' }, { shift: true });
    expect(blocks(e)).toEqual([p(text('# Not a heading'))]);
  });

  it('a paste into a code block stays verbatim', () => {
    const e = editor('<pre><code></code></pre>');
    e.commands.setTextSelection(1);
    paste(e, { 'text/plain': '# comment\n- not a list' });
    expect(blocks(e)).toEqual([{ type: 'codeBlock', attrs: { language: null }, content: [text('# comment\n- not a list')] }]);
  });

  it('HTML on the clipboard wins over its plain-text twin', () => {
    const e = editor();
    paste(e, { 'text/plain': '# from text', 'text/html': '<p><em>from html</em></p>' });
    expect(blocks(e)).toEqual([p(text('from html', 'italic'))]);
  });
});
