/**
 * How an image node shows in the editor [UP7]. Uploads of this document load with the page's token added
 * (the document stores the path without it). A source from elsewhere is not loaded — opening a document
 * must not tell other sites who reads it — but named, with a visible note, until the one who pasted it has
 * copied it here or turned it into a link (imageUploads.ts).
 */
import { parseUploadPath, withUploadToken } from '@tandem/common';
import { imageWidth, safeImageSrc } from '@tandem/common/schema';
import type { Node as PMNode } from '@tiptap/pm/model';
import type { NodeView } from '@tiptap/pm/view';
import { hostOf } from '../lib/uploads';

export function imageNodeView(node: PMNode, docId: () => string, token: () => string): NodeView {
  const dom = document.createElement('figure');
  dom.className = 'doc-image';
  dom.setAttribute('data-testid', 'doc-image');
  dom.contentEditable = 'false';
  let current: PMNode | null = null;

  const render = (next: PMNode): void => {
    const same = current && current.attrs['src'] === next.attrs['src'] && current.attrs['alt'] === next.attrs['alt'];
    current = next;
    const width = imageWidth(next.attrs['width']);
    dom.style.width = width ? `${width}px` : '';
    dom.dataset['width'] = width ? String(width) : '';
    // A chosen size scales the picture to it (up or down); without one it keeps its own size, column-wide at most.
    dom.classList.toggle('doc-image--sized', Boolean(width));
    if (same) return;
    dom.replaceChildren();
    const src = String(next.attrs['src'] ?? '');
    const alt = String(next.attrs['alt'] ?? '');
    const upload = parseUploadPath(src);
    if ((upload && upload.docId === docId()) || src.startsWith('data:image/')) {
      const img = document.createElement('img');
      img.alt = alt;
      img.draggable = false;
      img.onerror = () => dom.replaceChildren(note(`The image${alt ? ` “${alt}”` : ''} could not be loaded.`));
      img.src = withUploadToken(src, token());
      dom.append(img);
      return;
    }
    const text = safeImageSrc(src)
      ? `Image from ${hostOf(src)}${alt ? ` (“${alt}”)` : ''} — not copied into this document yet`
      : `An image${alt ? ` (“${alt}”)` : ''} that cannot be shown`;
    dom.replaceChildren(note(text));
  };
  render(node);

  return {
    dom,
    update(next) {
      if (next.type !== node.type) return false;
      render(next);
      return true;
    },
    selectNode() {
      dom.classList.add('doc-image--selected');
    },
    deselectNode() {
      dom.classList.remove('doc-image--selected');
    },
    // The node is an atom: ProseMirror handles its selection and dragging; nothing inside edits.
    stopEvent: () => false,
    ignoreMutation: () => true,
  };
}

function note(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'doc-image__note';
  p.setAttribute('data-testid', 'image-note');
  p.textContent = text;
  return p;
}
