/** [IM2] Long Markdown is parsed in chunks cut only where a cut cannot change how the text reads. */
import { describe, expect, it } from 'vitest';
import { markdownChunks, markdownToBlocks } from '../../src/import/markdown.js';
import { HtmlReader } from '../../src/import/html.js';

const blocks = (md: string) => {
  const html = new HtmlReader();
  try {
    return markdownToBlocks(md, html);
  } finally {
    html.close();
  }
};

describe('markdownChunks', () => {
  it('cuts at blank lines before top-level blocks, never inside fences, lists, quotes, tables or raw HTML', () => {
    const md = ['# A', '', 'para', '', '```', 'code', '', 'more code', '```', '', '- item', '', '- loose item', '', '> quote', '', '| a |', '', '<!-- note', '', 'still note -->', '', 'end'].join('\n');
    const chunks = markdownChunks(md, 1);
    expect(chunks.join('\n')).toBe(md);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.some((c) => c.includes('```\ncode\n\nmore code\n```'))).toBe(true);
    expect(chunks.some((c) => c.includes('- item\n\n- loose item'))).toBe(true);
    expect(chunks.some((c) => c.includes('<!-- note\n\nstill note -->'))).toBe(true);
    // Every chunk parses to what the same lines parse to in the whole text.
    const whole = blocks(md);
    expect(chunks.flatMap((c) => blocks(c))).toEqual(whole);
  });

  it('a text with reference definitions is parsed whole', () => {
    const md = `[x][ref]\n\n${'words '.repeat(20)}\n\n[ref]: https://example.com\n`;
    expect(markdownChunks(md, 1)).toEqual([md]);
  });
});
