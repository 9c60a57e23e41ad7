/**
 * How an image node shows in the editor [UP7]. Uploads of this document load with the page's token added
 * (the document stores the path without it). A source from elsewhere is not loaded — opening a document
 * must not tell other sites who reads it — but named, with a visible note, until the one who pasted it has
 * copied it here or turned it into a link (imageUploads.ts). A selected picture has a resize handle for
 * those who may edit (imageResizeHandle.ts).
 */
import { parseUploadPath, withUploadToken } from '@tandem/common';
import { imageWidth, safeImageSrc } from '@tandem/common/schema';
import type { Node as PMNode } from '@tiptap/pm/model';
import type { EditorView, NodeView } from '@tiptap/pm/view';
import { hostOf } from '../lib/uploads';
import { createResizeHandle } from './imageResizeHandle';

export function imageNodeView(
  node: PMNode,
  view: EditorView,
  getPos: () => number | undefined,
  docId: () => string,
  token: () => string,
): NodeView {
  const dom = document.createElement('figure');
  dom.className = 'doc-image';
  dom.setAttribute('data-testid', 'doc-image');
  dom.contentEditable = 'false';
  let current: PMNode | null = null;
  let selected = false;
  const handle = createResizeHandle(dom, view, getPos);

  /** Shows `content`, with the handle while selected in an editable view and the picture is shown. */
  const show = (content: HTMLElement): void => {
    dom.replaceChildren(content);
    placeHandle();
  };
  const placeHandle = (): void => {
    const wanted = selected && view.editable && dom.querySelector('img') !== null;
    if (wanted && handle.el.parentNode !== dom) {
      dom.append(handle.el);
      handle.refresh();
    } else if (!wanted) handle.el.remove();
  };

  const render = (next: PMNode): void => {
    const same = current && current.attrs['src'] === next.attrs['src'] && current.attrs['alt'] === next.attrs['alt'];
    current = next;
    const width = imageWidth(next.attrs['width']);
    dom.dataset['width'] = width ? String(width) : '';
    // While a drag is under way its preview stands; the released width arrives here afterwards.
    if (!handle.dragging()) {
      dom.style.width = width ? `${width}px` : '';
      // A chosen size scales the picture to it (up or down); without one it keeps its own size, column-wide at most.
      dom.classList.toggle('doc-image--sized', Boolean(width));
    }
    if (same) {
      if (handle.el.parentNode === dom) handle.refresh();
      return;
    }
    const src = String(next.attrs['src'] ?? '');
    const alt = String(next.attrs['alt'] ?? '');
    const upload = parseUploadPath(src);
    if ((upload && upload.docId === docId()) || src.startsWith('data:image/')) {
      const img = document.createElement('img');
      img.alt = alt;
      img.draggable = false;
      img.onerror = () => show(note(`The image${alt ? ` “${alt}”` : ''} could not be loaded.`));
      img.src = withUploadToken(src, token());
      show(img);
      return;
    }
    const text = safeImageSrc(src)
      ? `Image from ${hostOf(src)}${alt ? ` (“${alt}”)` : ''} — not copied into this document yet`
      : `An image${alt ? ` (“${alt}”)` : ''} that cannot be shown`;
    show(note(text));
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
      selected = true;
      dom.classList.add('doc-image--selected');
      placeHandle();
    },
    deselectNode() {
      selected = false;
      dom.classList.remove('doc-image--selected');
      placeHandle();
    },
    // The node is an atom: ProseMirror handles its selection and dragging; nothing inside edits. The handle's
    // own pointer and key events are its own (not a node drag, not the editor's arrow keys).
    stopEvent: (event) => event.target instanceof Node && handle.el.contains(event.target),
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
