/**
 * Document ids: random URL-safe strings the server mints itself (16 random bytes, base64url: 22
 * characters). Anything else is never a document, so it never reaches a path, a key or a request.
 */

/** The characters of a document id (base64url), as a regular-expression character class. */
export const DOC_ID_CHARS = '[A-Za-z0-9_-]';

/** The shape of a document id: 8 to 64 characters of the base64url alphabet. */
export const DOC_ID_PATTERN = new RegExp(`^${DOC_ID_CHARS}{8,64}$`);

/** True when `id` has the shape of a document id (and so is safe to use as a file name). */
export function isValidDocId(id: string): boolean {
  return DOC_ID_PATTERN.test(id);
}
