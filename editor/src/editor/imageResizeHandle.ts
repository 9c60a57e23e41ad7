/**
 * The handle on a selected image's corner [UP7]: drag it, or focus it and use the arrow keys, Home and End,
 * to set the image's width. A drag previews locally and writes one transaction when released (one undo
 * step, one update for everyone else); each key writes at once. It is a slider for assistive technology.
 */
import { imageWidth } from '@tandem/common/schema';
import { NodeSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import { draggedWidth, keyedWidth, resizeBounds, type WidthBounds } from './imageResize';

export interface ResizeHandle {
  /** The handle element (not yet in the document). */
  el: HTMLElement;
  /** True while a drag is under way: the view must not reset the preview width. */
  dragging(): boolean;
  /** Brings the slider's numbers up to date with the image's shown width. */
  refresh(): void;
}

/** `figure` is the image's node view; `getPos` finds the node in the current document. */
export function createResizeHandle(figure: HTMLElement, view: EditorView, getPos: () => number | undefined): ResizeHandle {
  const el = document.createElement('span');
  el.className = 'doc-image__resize';
  el.tabIndex = 0;
  el.setAttribute('role', 'slider');
  el.setAttribute('aria-label', 'Image width');
  el.setAttribute('aria-orientation', 'horizontal');
  el.setAttribute('data-testid', 'image-resize');
  el.title = 'Drag to resize (arrow keys, Home and End work too)';
  let drag: { pointerId: number; startX: number; startWidth: number; width: number; bounds: WidthBounds } | null = null;

  const shownWidth = () => Math.round(figure.getBoundingClientRect().width);
  const storedWidth = () => {
    const pos = getPos();
    return pos === undefined ? null : imageWidth(view.state.doc.nodeAt(pos)?.attrs['width']);
  };
  /** The width the reader sees: the stored one (which a narrow column may cap), else the picture's own. */
  const currentWidth = (b: WidthBounds) => Math.min(b.max, storedWidth() ?? shownWidth()) || b.min;
  const bounds = (): WidthBounds => {
    const column = figure.parentElement;
    if (!column) return resizeBounds(0);
    const style = getComputedStyle(column);
    return resizeBounds(column.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0));
  };
  const describe = (width: number, b: WidthBounds) => {
    el.setAttribute('aria-valuemin', String(b.min));
    el.setAttribute('aria-valuemax', String(b.max));
    el.setAttribute('aria-valuenow', String(width));
    el.setAttribute('aria-valuetext', `${width} pixels wide`);
  };
  const preview = (width: number) => {
    figure.style.width = `${width}px`;
    figure.classList.add('doc-image--sized');
  };

  /**
   * Stores `width` on the image in one transaction, keeping it selected. A drag is its own undo step even
   * right after another change (Yjs's undo manager merges changes within its capture time); a burst of key
   * presses may merge into one.
   */
  const commit = (width: number, ownUndoStep: boolean) => {
    const pos = getPos();
    const node = pos === undefined ? null : view.state.doc.nodeAt(pos);
    if (pos === undefined || node?.type.name !== 'image' || !view.editable) return;
    if (imageWidth(node.attrs['width']) === width) return;
    const tr = view.state.tr.setNodeMarkup(pos, undefined, { ...node.attrs, width });
    tr.setSelection(NodeSelection.create(tr.doc, pos));
    const undo = ownUndoStep ? yUndoPluginKey.getState(view.state)?.undoManager : undefined;
    undo?.stopCapturing();
    view.dispatch(tr);
    undo?.stopCapturing();
  };

  const endDrag = (keep: boolean) => {
    if (!drag) return;
    const { pointerId, width } = drag;
    drag = null;
    figure.classList.remove('doc-image--resizing');
    if (el.hasPointerCapture(pointerId)) el.releasePointerCapture(pointerId);
    if (keep) commit(width, true);
    // Whatever the document now says (the new width, or the old one after a cancel) is shown again.
    const stored = storedWidth();
    figure.style.width = stored ? `${stored}px` : '';
    figure.classList.toggle('doc-image--sized', Boolean(stored));
    const b = bounds();
    describe(currentWidth(b), b);
  };

  el.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !view.editable) return;
    e.preventDefault();
    el.setPointerCapture(e.pointerId);
    const startWidth = shownWidth();
    drag = { pointerId: e.pointerId, startX: e.clientX, startWidth, width: startWidth, bounds: bounds() };
    figure.classList.add('doc-image--resizing');
  });
  el.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    drag.width = draggedWidth(drag.startWidth, e.clientX - drag.startX, drag.bounds);
    preview(drag.width);
    describe(drag.width, drag.bounds);
  });
  el.addEventListener('pointerup', (e) => {
    if (drag?.pointerId === e.pointerId) endDrag(true);
  });
  el.addEventListener('pointercancel', () => endDrag(false));
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      if (drag) endDrag(false);
      else view.focus();
      return;
    }
    if (drag || e.ctrlKey || e.metaKey || e.altKey) return;
    const b = bounds();
    const width = keyedWidth(currentWidth(b), e.key, e.shiftKey, b);
    if (width === null) return;
    e.preventDefault();
    commit(width, false);
    describe(width, b);
  });

  return { el, dragging: () => drag !== null, refresh: () => {
      const b = bounds();
      describe(currentWidth(b), b);
    },
  };
}
