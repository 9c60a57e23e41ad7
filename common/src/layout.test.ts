import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TITLE_TEXT, readTitle, titleText } from './layout.js';

describe('the title', () => {
  it('is the root Y.Text named title', () => {
    const doc = new Y.Doc();
    titleText(doc).insert(0, 'Meeting notes');
    expect(doc.getText(TITLE_TEXT).toString()).toBe('Meeting notes');
  });

  it('reads as one trimmed line, without embeds a client slipped in', () => {
    const doc = new Y.Doc();
    const text = titleText(doc);
    text.insert(0, '  Multi\nline \t title ');
    text.insertEmbed(3, { image: 'x.png' });
    text.format(0, 4, { bold: true });
    expect(readTitle(doc)).toBe('Multi line title');
    expect(readTitle(new Y.Doc())).toBe('');
  });
});
