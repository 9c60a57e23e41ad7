import { equalityDeep } from 'lib0/function';
import * as Y from 'yjs';

/**
 * [CM2] Whether deleting these formatting markers from a text changes the formatting of none of its content.
 *
 * Every client runs Yjs's formatting cleanup after a remote change to formatted text (two people bolding the
 * same words, one deleting what another just formatted): it deletes markers that have become redundant, in a
 * change of its own — a comment link's page too, whose update then "deletes something in the text". Such a
 * deletion changes nothing anyone sees, so it is allowed: walking the text once, the attributes in effect at
 * every live character (or embed) must be the same with and without the deleted markers. Any other deletion
 * outside `comments` stays refused.
 */
export function formattingUnchanged(text: Y.AbstractType<unknown>, removed: ReadonlySet<Y.Item>): boolean {
  const before = new Map<string, unknown>();
  const after = new Map<string, unknown>();
  let differ = false;
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentFormat) {
      setAttribute(before, content.key, content.value);
      if (!removed.has(item)) setAttribute(after, content.key, content.value);
      differ = !sameAttributes(before, after);
    } else if (item.countable && differ) {
      return false;
    }
  }
  return true;
}

/** As Yjs reads a marker: a null value ends the attribute. */
function setAttribute(attributes: Map<string, unknown>, key: string, value: unknown): void {
  if (value === null) attributes.delete(key);
  else attributes.set(key, value);
}

function sameAttributes(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (!b.has(key) || !equalityDeep(value, b.get(key))) return false;
  return true;
}
