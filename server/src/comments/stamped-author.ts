import * as Y from 'yjs';
import type { Reach } from './reach.js';

/**
 * [ID2] A connection whose name the server stamps writes comments only under that name: every `author` value
 * the update puts under `comments` (a new comment's, or a replacement of an existing one's) must equal it.
 * Refusing, rather than rewriting, keeps the rule a pure check of the update — the server never invents a
 * change in the sender's name — and the editor of a signed-in person writes that name anyway. Values
 * inserted already deleted change nothing and pass. Null when the update is allowed.
 */
export function checkStampedAuthor(reach: Reach, name: string): string | null {
  for (const { struct, place } of reach.inserts) {
    if (place.kind !== 'comments' || place.depth !== 4 || place.key !== 'author' || !(struct instanceof Y.Item)) continue;
    const { content } = struct;
    if (content instanceof Y.ContentDeleted) continue;
    if (!(content instanceof Y.ContentAny) || content.arr.some((value) => value !== name)) {
      return 'a comment’s author must be the signed-in name of its writer';
    }
  }
  return null;
}
