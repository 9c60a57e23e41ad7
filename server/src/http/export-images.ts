/**
 * [UP8] What an exported file shows for each image: the document stores upload paths without a token, which
 * mean nothing outside the app. `images=link` (the default) makes them absolute URLs carrying a fresh view
 * token of the document — a file that works wherever it is opened while the links are not rotated, and
 * that grants no more than reading, whatever token exported it. `images=embed` inlines each upload as a
 * `data:` URI, so the file stands alone. Other sources (http(s) links kept from pastes) stay as they are.
 */
import { CONTENT_FRAGMENT, parseUploadPath } from '@tandem/common';
import * as Y from 'yjs';
import { signToken, type TokenKey } from '../auth/tokens.js';
import type { DocMeta, DocStore } from '../storage/doc-store.js';

export type ImageExportMode = 'link' | 'embed';

export interface ExportImageDeps {
  key: TokenKey;
  store: DocStore;
  publicUrl: () => string;
  now: () => Date;
}

/** The upload paths of this document that its images use (read from the Y.Doc, no conversion). */
export function uploadSrcsIn(doc: Y.Doc, docId: string): Set<string> {
  const srcs = new Set<string>();
  for (const node of doc.getXmlFragment(CONTENT_FRAGMENT).createTreeWalker((n) => n instanceof Y.XmlElement && n.nodeName === 'image')) {
    const src = (node as Y.XmlElement).getAttribute('src');
    if (typeof src === 'string' && parseUploadPath(src)?.docId === docId) srcs.add(src);
  }
  return srcs;
}

/**
 * The `src` rewriter for an export of `meta`'s document. `srcs` are the upload paths it uses (only needed
 * to embed: their bytes are read now, so rendering stays synchronous).
 */
export async function exportImageSrc(deps: ExportImageDeps, meta: DocMeta, mode: ImageExportMode, srcs: Set<string>): Promise<(src: string) => string> {
  const embedded = new Map<string, string>();
  if (mode === 'embed') {
    for (const src of srcs) {
      const upload = await deps.store.getUpload(meta.id, parseUploadPath(src)!.hash);
      if (upload) embedded.set(src, `data:${upload.type};base64,${Buffer.from(upload.bytes).toString('base64')}`);
    }
  }
  const token = await signToken(deps.key, { docId: meta.id, scope: 'view', generation: meta.linkGeneration }, deps.now());
  const base = deps.publicUrl();
  return (src) => {
    const inline = embedded.get(src);
    if (inline) return inline;
    return parseUploadPath(src)?.docId === meta.id ? `${base}${src}?token=${encodeURIComponent(token)}` : src;
  };
}
