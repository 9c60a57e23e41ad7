/**
 * Getting images into a document [UP7]: pasted or dropped image files, and files from the toolbar's
 * button, are uploaded and inserted once the server has them. Images in pasted HTML that come from
 * elsewhere (another site, a data: URI) are fetched by this browser and uploaded; when that fails (the
 * site refuses cross-origin reads, the server refuses the file) the image becomes a link with a visible
 * note — an image is never silently dropped. Every refusal is shown in words through `onError`.
 */
import { parseUploadPath, UPLOAD_IMAGE_TYPES } from '@tandem/common';
import { Extension, type Editor, type JSONContent } from '@tiptap/core';
import type { Node as PMNode, Slice } from '@tiptap/pm/model';
import { NodeSelection, Plugin, PluginKey, Selection } from '@tiptap/pm/state';
import { hostOf, uploadImage, UploadError } from '../lib/uploads';
import { imageNodeView } from './imageView';

export interface ImageUploadsOptions {
  docId: () => string;
  token: () => string;
  /** A sentence for the person: why an image did not make it. */
  onError: (message: string) => void;
}

const key = new PluginKey('imageUploads');

/** Files that are images (by the browser's guess; the server decides from the bytes). */
function imageFiles(list: FileList | null | undefined): File[] {
  return Array.from(list ?? []).filter((f) => f.type.startsWith('image/'));
}

/** The accept list for a file input. */
export const IMAGE_ACCEPT = UPLOAD_IMAGE_TYPES.join(',');

function optionsOf(editor: Editor): ImageUploadsOptions | null {
  const ext = editor.extensionManager.extensions.find((e) => e.name === 'imageUploads');
  return (ext?.options as ImageUploadsOptions | undefined) ?? null;
}

/** Uploads `files` one by one and inserts each image at `pos` (default: the selection) once it is stored. */
export async function uploadImageFiles(editor: Editor, files: File[], pos?: number): Promise<void> {
  const o = optionsOf(editor);
  if (!o) return;
  let at = pos;
  for (const file of files) {
    try {
      const info = await uploadImage(o.docId(), o.token(), file);
      if (editor.isDestroyed) return;
      const image: JSONContent = { type: 'image', attrs: { src: info.src, alt: altFromName(file.name) } };
      const chain = editor.chain();
      (at === undefined ? chain.insertContent(image) : chain.insertContentAt(at, image)).run();
      // Typing or pasting next goes after the image, never over it (an inserted atom may come selected).
      const { selection, doc, tr } = editor.state;
      if (selection instanceof NodeSelection) editor.view.dispatch(tr.setSelection(Selection.near(doc.resolve(selection.to))));
      at = undefined; // the next one goes after this one (where the selection now is)
    } catch (err) {
      o.onError(err instanceof UploadError ? err.message : 'The image could not be uploaded.');
    }
  }
}

/** "holiday-photo_2.jpg" → "holiday photo 2": a start for the alt text, which people can edit. */
function altFromName(name: string): string | null {
  const base = name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[-_]+/g, ' ').trim();
  return base && base !== 'image' ? base : null;
}

export const ImageUploads = Extension.create<ImageUploadsOptions>({
  name: 'imageUploads',

  addOptions() {
    return { docId: () => '', token: () => '', onError: () => {} };
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    const o = this.options;
    /** Foreign sources pasted here, waiting for this browser to copy them. */
    const pending = new Set<string>();
    const started = new Set<string>();

    const isOwnUpload = (src: unknown) => typeof src === 'string' && parseUploadPath(src)?.docId === o.docId();

    /** Every image node whose source is `src`, last first (so replacing one keeps the others' positions). */
    const imagesWith = (doc: PMNode, src: string): { node: PMNode; pos: number }[] => {
      const found: { node: PMNode; pos: number }[] = [];
      doc.descendants((node, pos) => {
        if (node.type.name === 'image' && node.attrs['src'] === src) found.push({ node, pos });
      });
      return found.reverse();
    };

    const copyForeign = async (src: string): Promise<void> => {
      let failure: string | null = null;
      let uploaded: string | null = null;
      try {
        // Only what a browser may fetch for us: web addresses and inline data (never file: and the like).
        if (!/^(?:https?:|data:|blob:)/i.test(src)) throw new Error('not fetchable');
        const res = await fetch(src, { mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer' });
        if (!res.ok) throw new Error(String(res.status));
        uploaded = (await uploadImage(o.docId(), o.token(), await res.blob())).src;
      } catch (err) {
        failure = err instanceof UploadError ? err.message : null;
      }
      if (editor.isDestroyed) return;
      const { state } = editor.view;
      const tr = state.tr;
      for (const { node, pos } of imagesWith(state.doc, src)) {
        if (uploaded) {
          tr.setNodeMarkup(pos, undefined, { ...node.attrs, src: uploaded });
        } else {
          tr.replaceWith(pos, pos + node.nodeSize, keptLink(state.schema, src, String(node.attrs['alt'] ?? '')));
        }
      }
      if (tr.docChanged) editor.view.dispatch(tr);
      if (failure) o.onError(failure);
    };

    return [
      new Plugin({
        key,
        props: {
          nodeViews: { image: (node, view, getPos) => imageNodeView(node, view, getPos, o.docId, o.token) },
          handlePaste(_view, event) {
            const files = imageFiles(event.clipboardData?.files);
            if (files.length === 0) return false;
            // A copied web image comes as a file and as HTML pointing at the site: the file is the picture,
            // and the HTML's images (collected by transformPasted just before) are not inserted.
            pending.clear();
            void uploadImageFiles(editor, files);
            return true;
          },
          handleDrop(view, event, _slice, moved) {
            if (moved) return false;
            const files = imageFiles(event.dataTransfer?.files);
            if (files.length === 0) return false;
            pending.clear();
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
            void uploadImageFiles(editor, files, at?.pos);
            return true;
          },
          transformPasted(slice: Slice) {
            slice.content.descendants((node) => {
              if (node.type.name === 'image' && !isOwnUpload(node.attrs['src'])) pending.add(String(node.attrs['src'] ?? ''));
            });
            return slice;
          },
        },
        view: () => ({
          update: () => {
            for (const src of pending) {
              pending.delete(src);
              if (started.has(src)) continue;
              started.add(src);
              void copyForeign(src).finally(() => started.delete(src));
            }
          },
        }),
      }),
    ];
  },
});

/** The paragraph an image that could not be copied turns into: a note, and the address as a link. */
function keptLink(schema: PMNode['type']['schema'], src: string, alt: string): PMNode {
  const linkable = /^https?:\/\//i.test(src);
  const what = linkable ? `Image from ${hostOf(src)}` : 'An image';
  const parts: PMNode[] = [schema.text(`${what}${alt ? ` (“${alt}”)` : ''} could not be copied — ${linkable ? 'link kept: ' : 'left out'}`)];
  if (linkable) parts.push(schema.text(src, [schema.marks['link']!.create({ href: src })]));
  return schema.nodes['paragraph']!.create(null, parts);
}
