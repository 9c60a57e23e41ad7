import { Editor } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { contentExtensions } from './extensions';
import { ImageUploads } from './imageUploads';

const DOC = 'docABCDEFGH';
const OWN = `/api/docs/${DOC}/uploads/${'ab'.repeat(32)}`;
const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

function editor(content: string): { e: Editor; errors: string[] } {
  const errors: string[] = [];
  const e = new Editor({
    element: document.createElement('div'),
    extensions: [...contentExtensions({ editable: true }), ImageUploads.configure({ docId: () => DOC, token: () => 'TOKEN', onError: (m) => errors.push(m) })],
    content,
  });
  editors.push(e);
  return { e, errors };
}

describe('[UP7] image node view', () => {
  it('an upload of this document loads with the page token; the stored src stays without it', () => {
    const { e } = editor(`<img src="${OWN}" alt="A square" width="240">`);
    const img = e.view.dom.querySelector('figure.doc-image img')!;
    expect(img.getAttribute('src')).toBe(`${OWN}?token=TOKEN`);
    expect(img.getAttribute('alt')).toBe('A square');
    expect((e.view.dom.querySelector('figure.doc-image') as HTMLElement).style.width).toBe('240px');
    expect(e.getJSON().content?.[0]?.attrs).toEqual({ src: OWN, alt: 'A square', title: null, width: 240 });
  });

  it('a source from elsewhere is not loaded but named; an unsafe one is not shown at all', () => {
    const { e } = editor('<img src="https://example.com/cat.png" alt="cat"><img src="javascript:alert(1)">');
    expect(e.view.dom.querySelectorAll('figure.doc-image img')).toHaveLength(0);
    const notes = Array.from(e.view.dom.querySelectorAll('[data-testid="image-note"]')).map((n) => n.textContent);
    expect(notes).toEqual(['Image from example.com (“cat”) — not copied into this document yet', 'An image that cannot be shown']);
  });

  it('another document’s upload path is not loaded with this page’s token', () => {
    const { e } = editor(`<img src="/api/docs/otherDoc123/uploads/${'cd'.repeat(32)}">`);
    expect(e.view.dom.querySelectorAll('figure.doc-image img')).toHaveLength(0);
  });
});
