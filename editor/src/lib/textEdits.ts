/**
 * Pure helpers for binding a plain text field to a Y.Text: what a local input changed (as the smallest edit),
 * and where a selection goes when someone else's change arrives (so remote edits never move your caret).
 * Offsets are UTF-16 code units, as both the DOM and Y.Text count them.
 */

/** One change of a text: at `index`, remove `remove` characters and put `insert` there. */
export interface TextEdit {
  index: number;
  remove: number;
  insert: string;
}

/** A selection in a text field; collapsed (a caret) when `start === end`. */
export interface TextSelection {
  start: number;
  end: number;
}

/** One operation of a Y.Text change (`YTextEvent.delta`), its inserts strings (see `isPlainDelta`). */
export interface DeltaOp {
  insert?: unknown;
  retain?: number;
  delete?: number;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The smallest edit turning `before` into `after`, or null when they are equal. `caret` (the caret after
 * the input) settles ambiguous cases: what was typed or deleted lies just before it, so typing "a" after the
 * first "a" of "aa" is an insert at 1, not at 2. A surrogate pair is never split.
 *
 * @example diffText('Meeting notes', 'Draft: Meeting notes', 7) // { index: 0, remove: 0, insert: 'Draft: ' }
 */
export function diffText(before: string, after: string, caret = after.length): TextEdit | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  const maxSuffix = Math.min(shorter, after.length - Math.max(0, Math.min(caret, after.length)));
  let suffix = 0;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  let prefix = 0;
  while (prefix < shorter - suffix && before[prefix] === after[prefix]) prefix++;
  if (prefix > 0 && isHighSurrogate(after.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(after.charCodeAt(after.length - suffix))) suffix--;
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** `value` with `edit` applied. */
export function applyEdit(value: string, edit: TextEdit): string {
  return value.slice(0, edit.index) + edit.insert + value.slice(edit.index + edit.remove);
}

/**
 * `edit` as a one-line title of at most `maxLength` characters allows it, on a text `length` long: line breaks
 * become spaces, and the insert is cut to what fits (never splitting a surrogate pair). Deleting always works,
 * even in a text someone else made longer than the limit.
 */
export function fitTitleEdit(edit: TextEdit, length: number, maxLength: number): TextEdit {
  let insert = edit.insert.replace(/[\r\n]+/g, ' ');
  const room = Math.max(0, maxLength - (length - edit.remove));
  if (insert.length > room) insert = insert.slice(0, isHighSurrogate(insert.charCodeAt(room - 1)) ? room - 1 : room);
  return insert === edit.insert ? edit : { ...edit, insert };
}

/** True when every insert of `delta` is text (a Y.Text may also hold embeds, which a text field cannot show). */
export function isPlainDelta(delta: readonly DeltaOp[]): boolean {
  return delta.every((op) => op.insert === undefined || typeof op.insert === 'string');
}

/** `value` with a Y.Text change applied (inserts must be strings: `isPlainDelta`). */
export function applyDelta(value: string, delta: readonly DeltaOp[]): string {
  let out = '';
  let at = 0;
  for (const op of delta) {
    if (typeof op.insert === 'string') out += op.insert;
    else if (op.retain !== undefined) (out += value.slice(at, at + op.retain)), (at += op.retain);
    else if (op.delete !== undefined) at += op.delete;
  }
  return out + value.slice(at);
}

/**
 * Where `offset` is after the change `delta`. An offset stays next to the same character: with `assoc` -1
 * the one on its left (text inserted exactly there goes after it), with 1 the one on its right (inserted text
 * goes before it). When that character was deleted, the offset lands where it was.
 */
export function mapOffset(offset: number, delta: readonly DeltaOp[], assoc: -1 | 1): number {
  let mapped = offset;
  let at = 0; // position in the text before the change
  for (const op of delta) {
    if (at > offset) break;
    if (typeof op.insert === 'string') {
      if (at < offset || (at === offset && assoc > 0)) mapped += op.insert.length;
    } else if (op.retain !== undefined) {
      at += op.retain;
    } else if (op.delete !== undefined) {
      mapped -= Math.max(0, Math.min(offset, at + op.delete) - at);
      at += op.delete;
    }
  }
  return mapped;
}

/**
 * A text field's selection after someone else's change: a caret keeps the character on its left; a range
 * keeps what it covered and does not grow with text inserted at its edges.
 */
export function mapSelection(selection: TextSelection, delta: readonly DeltaOp[]): TextSelection {
  if (selection.start === selection.end) {
    const caret = mapOffset(selection.start, delta, -1);
    return { start: caret, end: caret };
  }
  const end = mapOffset(selection.end, delta, -1);
  return { start: Math.min(mapOffset(selection.start, delta, 1), end), end };
}

/** Where a caret belongs after an undo or redo: just after the last text it put back, or where it removed. */
export function caretAfter(delta: readonly DeltaOp[]): number | null {
  let at = 0;
  let caret: number | null = null;
  for (const op of delta) {
    if (typeof op.insert === 'string') caret = at += op.insert.length;
    else if (op.retain !== undefined) at += op.retain;
    else if (op.delete !== undefined) caret = at;
  }
  return caret;
}
