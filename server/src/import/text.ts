import type { JSONContent } from '@tiptap/core';

/**
 * [IM2] Plain text as the text export writes it, read back: blocks are separated by blank lines, a single
 * line break inside a block is a hard break. Nothing in the text is syntax.
 */
export function textToBlocks(text: string): JSONContent[] {
  const normalised = text.replace(/\r\n?/g, '\n').replace(/^\uFEFF/, '');
  return normalised
    .split(/\n[ \t]*\n+/)
    .map((block) => block.replace(/^\n+|\s+$/g, ''))
    .filter((block) => block !== '')
    .map((block) => ({
      type: 'paragraph',
      content: block.split('\n').flatMap((line, i): JSONContent[] => [
        ...(i > 0 ? [{ type: 'hardBreak' }] : []),
        ...(line ? [{ type: 'text', text: line }] : []),
      ]),
    }));
}
