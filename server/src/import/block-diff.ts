/**
 * [IM6] Writes a target document into a live `Y.XmlFragment` as a minimal change: top-level blocks that
 * stay as they are keep their Yjs identity (cursors, comment anchors and relative positions in them stay
 * put), and each changed range is rewritten. Unchanged blocks are matched by the longest common subsequence
 * of their content; inside a changed range, a block replaced by one of the same type is updated in place by
 * y-tiptap's own `updateYFragment` (the editor binding's algorithm, which keeps the unchanged characters of a
 * paragraph), and the rest are deleted or inserted.
 */
import type { Node as PMNode } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment, updateYFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

/** Beyond this many cells the LCS table is not worth it: the middle is rewritten as one range. */
const MAX_LCS_CELLS = 4_000_000;

/** Makes `fragment` hold `target`'s blocks; call inside a transaction of `fragment`'s doc. */
export function writeBlocks(fragment: Y.XmlFragment, target: PMNode): void {
  const doc = fragment.doc;
  if (!doc) throw new Error('the fragment is not part of a document');
  // The target's blocks as Yjs would store them, to compare with what is there and to clone from.
  const scratch = new Y.Doc({ gc: false });
  try {
    const wanted = prosemirrorToYXmlFragment(target, scratch.getXmlFragment('target'));
    const next = wanted.toArray();
    const current = fragment.toArray();
    const gaps = changedRanges(current.map(fingerprint), next.map(fingerprint));
    // From the last range to the first, so the indices of earlier ones stay valid.
    for (const gap of gaps.reverse()) {
      const paired = Math.min(gap.oldEnd - gap.oldStart, gap.newEnd - gap.newStart);
      for (let i = 0; i < paired; i++) {
        const old = current[gap.oldStart + i]!;
        const wantedNode = target.child(gap.newStart + i);
        if (old instanceof Y.XmlElement && old.nodeName === wantedNode.type.name) {
          updateYFragment(doc, old, wantedNode, { mapping: new Map(), isOMark: new Map() });
        } else {
          fragment.delete(gap.oldStart + i, 1);
          fragment.insert(gap.oldStart + i, [cloneBlock(next[gap.newStart + i]!)]);
        }
      }
      const at = gap.oldStart + paired;
      if (gap.oldEnd - gap.oldStart > paired) fragment.delete(at, gap.oldEnd - gap.oldStart - paired);
      if (gap.newEnd - gap.newStart > paired) fragment.insert(at, next.slice(gap.newStart + paired, gap.newEnd).map(cloneBlock));
    }
  } finally {
    scratch.destroy();
  }
}

interface Gap {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** The ranges between the blocks both sequences keep (an LCS of their fingerprints), in order. */
export function changedRanges(before: readonly string[], after: readonly string[]): Gap[] {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  if (a.length === 0 && b.length === 0) return [];
  const matches = (a.length + 1) * (b.length + 1) <= MAX_LCS_CELLS ? lcs(a, b) : [];
  const gaps: Gap[] = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...matches, [a.length, b.length] as const]) {
    if (mi > i || mj > j) gaps.push({ oldStart: head + i, oldEnd: head + mi, newStart: head + j, newEnd: head + mj });
    i = mi + 1;
    j = mj + 1;
  }
  return gaps;
}

/** Index pairs of one longest common subsequence, in order (classic dynamic programming from the end). */
function lcs(a: readonly string[], b: readonly string[]): [number, number][] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** A block's content, attributes and formatting as one string (Yjs writes attributes in sorted order). */
function fingerprint(block: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  return block instanceof Y.XmlHook ? `hook:${Math.random()}` : block.toString();
}

function cloneBlock(block: Y.XmlElement | Y.XmlText | Y.XmlHook): Y.XmlElement | Y.XmlText {
  return block.clone() as Y.XmlElement | Y.XmlText;
}
