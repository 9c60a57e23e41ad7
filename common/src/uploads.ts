/**
 * Uploaded images [UP]: where the server serves them and which types it stores. A document's image node
 * keeps the path without a token (the document outlives any one link); whoever shows it adds the token of
 * the link it was opened with — the editor from its URL fragment, the export with a view token.
 */

/** The types the server accepts, as the upload button's `accept` and the paste handler's filter. */
export const UPLOAD_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** `/api/docs/<id>/uploads/<sha256 hex>`, as stored in an image's `src`. */
export const UPLOAD_PATH_PATTERN = /^\/api\/docs\/([A-Za-z0-9_-]{8,64})\/uploads\/([0-9a-f]{64})$/;

/** The path an upload of document `docId` is served at. */
export const uploadPath = (docId: string, hash: string): string => `/api/docs/${docId}/uploads/${hash}`;

/** The document id and hash of an upload path, or null when `src` is anything else (a foreign URL, data:…). */
export function parseUploadPath(src: string): { docId: string; hash: string } | null {
  const match = UPLOAD_PATH_PATTERN.exec(src);
  return match ? { docId: match[1]!, hash: match[2]! } : null;
}

/** `src` with `?token=` added when it is an upload path; anything else is returned as it is. */
export function withUploadToken(src: string, token: string | null | undefined): string {
  return token && parseUploadPath(src) ? `${src}?token=${encodeURIComponent(token)}` : src;
}
