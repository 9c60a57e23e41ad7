/**
 * Where comments are anchored: ProseMirror positions ↔ `Y.RelativePosition`s into the `default` fragment.
 * A relative position names a character (or a child slot) by its Yjs id, so an anchor follows its text as
 * anyone edits around it and resolves to wherever that text is now.
 *
 * One walk over the fragment gives every live Yjs type its ProseMirror position (a character or inline
 * embed is one position; an element opens and closes with one, a leaf such as a hard break is one), the
 * way ProseMirror counts — computed from Yjs alone, so it is right whenever the document is, without
 * depending on the binding's private mapping. A thread's `from` sticks to the first character commented
 * on (text typed just before it stays outside) and its `to` to the last (text typed just after it too).
 */
import type { Node as PMNode, Schema } from '@tiptap/pm/model';
import * as Y from 'yjs';

/** Any Yjs type (its internals are typed loosely by Yjs itself). */
type AnyType = Y.AbstractType<any>;

/** Sticks to the character after the position (the first one commented on). */
export const ASSOC_START = 0;
/** Sticks to the character before the position (the last one commented on). */
export const ASSOC_END = -1;

export class FragmentPositions {
  /** ProseMirror position of index 0 inside each live text. */
  private readonly textStarts = new Map<AnyType, number>();
  /** ProseMirror position of each child slot of each live element (and of the fragment), end included. */
  private readonly childStarts = new Map<AnyType, number[]>();
  /** Content size of the whole fragment (ProseMirror's `doc.content.size` when both agree). */
  readonly size: number;

  constructor(
    private readonly fragment: Y.XmlFragment,
    private readonly isLeaf: (nodeName: string) => boolean,
  ) {
    this.size = this.walk(fragment, 0);
  }

  /** Walks a type's live children, the first starting at `at`; returns the position after the last. */
  private walk(type: AnyType, at: number): number {
    const starts: number[] = [];
    let pos = at;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      starts.push(pos);
      const content = item.content;
      if (content instanceof Y.ContentType && content.type instanceof Y.XmlText) {
        this.textStarts.set(content.type, pos);
        pos += content.type.length;
      } else if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement) {
        if (this.isLeaf(content.type.nodeName)) pos += 1;
        else pos = this.walk(content.type, pos + 1) + 1;
      } else {
        // Anything else in a list of nodes counts as one position per item, as a leaf would.
        for (let i = 1; i < item.length; i++) starts.push(pos + i);
        pos += item.length;
      }
    }
    starts.push(pos);
    this.childStarts.set(type, starts);
    return pos;
  }

  /** The ProseMirror position an anchor stands for now; null when its text or block is gone. */
  resolve(encoded: Uint8Array | null): number | null {
    const relative = encoded ? decodeAnchor(encoded) : null;
    if (!relative) return null;
    const doc = this.fragment.doc;
    // A position naming an unknown root would make Yjs create that root.
    if (!doc || (relative.tname !== null && !doc.share.has(relative.tname))) return null;
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, doc);
    if (!absolute) return null;
    const textStart = this.textStarts.get(absolute.type);
    if (textStart !== undefined) return textStart + Math.min(absolute.index, absolute.type._length);
    const starts = this.childStarts.get(absolute.type);
    return starts ? starts[Math.min(absolute.index, starts.length - 1)]! : null;
  }

  /** An anchor at a ProseMirror position, sticking to the character after it (`ASSOC_START`) or before it. */
  anchorAt(pos: number, assoc: number): Uint8Array | null {
    const relative = this.relativeAt(this.fragment, pos, assoc);
    return relative ? Y.encodeRelativePosition(relative) : null;
  }

  private relativeAt(type: AnyType, pos: number, assoc: number): Y.RelativePosition | null {
    const starts = this.childStarts.get(type);
    if (!starts) return null;
    let index = 0;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const start = starts[index]!;
      const end = starts[index + 1]!;
      if (pos < start) break;
      const content = item.content;
      if (content instanceof Y.ContentType && content.type instanceof Y.XmlText && pos <= end) {
        return Y.createRelativePositionFromTypeIndex(content.type, pos - start, assoc);
      }
      if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement && start < pos && pos < end) {
        return this.relativeAt(content.type, pos, assoc);
      }
      index += content instanceof Y.ContentType ? 1 : item.length;
      if (pos < end) break;
    }
    // Between two children (or in an empty block): the slot itself.
    const slot = starts.findIndex((s) => s >= pos);
    return Y.createRelativePositionFromTypeIndex(type, slot === -1 ? starts.length - 1 : slot, assoc);
  }
}

/**
 * Anchors decoded once: a thread's anchor is the same bytes object for as long as it is unchanged (Yjs
 * hands out the array it holds), and anchors are resolved again after every remote change.
 */
const decoded = new WeakMap<Uint8Array, Y.RelativePosition | null>();

function decodeAnchor(encoded: Uint8Array): Y.RelativePosition | null {
  let relative = decoded.get(encoded);
  if (relative === undefined) {
    try {
      relative = Y.decodeRelativePosition(encoded);
    } catch {
      relative = null;
    }
    decoded.set(encoded, relative);
  }
  return relative;
}

/** Whether an element of this name is a leaf in `schema` (one position, no content). */
export function leafTest(schema: Schema): (nodeName: string) => boolean {
  return (name) => schema.nodes[name]?.isLeaf ?? false;
}

/** A passage to comment on: its anchors and its text. */
export interface PassageAnchor {
  from: Uint8Array;
  to: Uint8Array;
  /** The text commented on, as selected (line breaks between blocks). */
  text: string;
}

/**
 * Anchors for the passage `from`–`to` of `doc` (a selection), or null when there is nothing to comment on
 * (an empty or blank passage) or the document and Yjs are out of step (the caller tries again later).
 */
export function anchorPassage(fragment: Y.XmlFragment, doc: PMNode, from: number, to: number): PassageAnchor | null {
  if (to <= from) return null;
  const text = doc.textBetween(from, to, '\n', ' ');
  if (text.trim() === '') return null;
  const positions = new FragmentPositions(fragment, leafTest(doc.type.schema));
  if (positions.size !== doc.content.size) return null;
  const start = positions.anchorAt(from, ASSOC_START);
  const end = positions.anchorAt(to, ASSOC_END);
  return start && end ? { from: start, to: end, text } : null;
}
