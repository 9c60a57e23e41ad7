import { Editor } from '@tiptap/core';
import { MIN_IMAGE_WIDTH } from '@tandem/common/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { contentExtensions } from './extensions';
import { ImageUploads } from './imageUploads';

const DOC = 'docABCDEFGH';
const OWN = `/api/docs/${DOC}/uploads/${'ab'.repeat(32)}`;
const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

function editor(content: string, editable = true): { e: Editor; errors: string[] } {
  const errors: string[] = [];
  const e = new Editor({
    element: document.createElement('div'),
    editable,
    extensions: [...contentExtensions({ editable }), ImageUploads.configure({ docId: () => DOC, token: () => 'TOKEN', onError: (m) => errors.push(m) })],
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

describe('[UP7] image resize handle', () => {
  const handleOf = (e: Editor) => e.view.dom.querySelector<HTMLElement>('[data-testid="image-resize"]');
  // The picture follows a paragraph, so the editor does not start with it selected.
  const CONTENT = `<p>before</p><img src="${OWN}" alt="A square" width="240"><p>after</p>`;
  const IMG_AT = 8;
  const widthOf = (e: Editor) => e.state.doc.nodeAt(IMG_AT)?.attrs['width'] as number | null;
  const key = (el: HTMLElement, k: string, shiftKey = false) =>
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));

  it('shows on the selected picture only, as a named slider; arrows, Home and End set the stored width', () => {
    const { e } = editor(CONTENT);
    expect(handleOf(e)).toBeNull();
    e.commands.setNodeSelection(IMG_AT);
    const handle = handleOf(e)!;
    expect(handle.getAttribute('role')).toBe('slider');
    expect(handle.getAttribute('aria-label')).toBe('Image width');
    expect(handle.getAttribute('aria-valuenow')).toBe('240');
    expect(handle.tabIndex).toBe(0);

    key(handle, 'ArrowRight');
    expect(widthOf(e)).toBe(250);
    key(handle, 'ArrowLeft', true);
    expect(widthOf(e)).toBe(200);
    expect(handle.getAttribute('aria-valuetext')).toBe('200 pixels wide');
    expect((e.view.dom.querySelector('figure.doc-image') as HTMLElement).style.width).toBe('200px');
    key(handle, 'Home');
    expect(widthOf(e)).toBe(MIN_IMAGE_WIDTH);
    // The image stays selected, the handle in place, after each change.
    expect(e.state.selection.from).toBe(IMG_AT);
    expect(handleOf(e)).toBe(handle);

    // A key the handle does not use changes nothing; the editor's own keys do not reach it.
    key(handle, 'x');
    expect(widthOf(e)).toBe(MIN_IMAGE_WIDTH);

    e.commands.setTextSelection(e.state.doc.content.size - 1);
    expect(handleOf(e)).toBeNull();
  });

  it('read-only viewers and images not shown get no handle', () => {
    const { e } = editor(CONTENT, false);
    e.commands.setNodeSelection(IMG_AT);
    expect(e.view.dom.querySelector('figure.doc-image--selected')).not.toBeNull();
    expect(handleOf(e)).toBeNull();
    const { e: other } = editor('<p>before</p><img src="https://example.com/cat.png" alt="cat">');
    other.commands.setNodeSelection(IMG_AT);
    expect(other.view.dom.querySelector('figure.doc-image--selected')).not.toBeNull();
    expect(handleOf(other)).toBeNull();
  });
});
