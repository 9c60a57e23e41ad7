/**
 * [IM6] Writes a target document into a live `Y.XmlFragment` as a minimal change: top-level blocks that
 * stay as they are keep their Yjs identity (cursors, comment anchors and relative positions in them stay
 * put), and each changed range is rewritten. Unchanged blocks are matched by the longest common subsequence
 * of their content; inside a changed range, old and new blocks of the same type are paired by similarity and
 * each pair is updated in place by y-tiptap's own `updateYFragment` (the editor binding's algorithm, which
 * keeps the unchanged characters of a paragraph); the blocks left over are deleted or inserted.
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
    const keys = current.map(fingerprint);
    const wantedKeys = next.map(fingerprint);
    // From the last range to the first, so the indices of earlier ones stay valid.
    for (const gap of changedRanges(keys, wantedKeys).reverse()) {
      const pairs = alignGap(gap, keys, wantedKeys, (i, j) => sameType(current[i]!, target.child(j)));
      let oldEnd = gap.oldEnd;
      let newEnd = gap.newEnd;
      for (const [i, j] of [...pairs.reverse(), [gap.oldStart - 1, gap.newStart - 1] as const]) {
        // What lies between this pair and the next one goes; what the target has there comes in.
        if (oldEnd > i + 1) fragment.delete(i + 1, oldEnd - i - 1);
        if (newEnd > j + 1) fragment.insert(i + 1, next.slice(j + 1, newEnd).map(cloneBlock));
        if (i >= gap.oldStart) updateYFragment(doc, current[i] as Y.XmlElement, target.child(j), { mapping: new Map(), isOMark: new Map() });
        oldEnd = i;
        newEnd = j;
      }
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

/** Beyond this many candidate pairs, a changed range pairs its blocks in order instead of by similarity. */
const MAX_ALIGN_CELLS = 250_000;

/**
 * Which old block of a changed range is rewritten into which new one (in order, same node type only), chosen
 * to keep the most: each pair scores the length of the common start and end of their content, so an edited
 * paragraph is paired with its new text rather than with a blank neighbour.
 */
function alignGap(gap: Gap, before: readonly string[], after: readonly string[], pairable: (i: number, j: number) => boolean): [number, number][] {
  const k = gap.oldEnd - gap.oldStart;
  const l = gap.newEnd - gap.newStart;
  if (k === 0 || l === 0) return [];
  const score = (i: number, j: number) => (pairable(gap.oldStart + i, gap.newStart + j) ? 1 + affinity(before[gap.oldStart + i]!, after[gap.newStart + j]!) : 0);
  if ((k + 1) * (l + 1) > MAX_ALIGN_CELLS) {
    const pairs: [number, number][] = [];
    for (let i = 0; i < Math.min(k, l); i++) if (score(i, i) > 0) pairs.push([gap.oldStart + i, gap.newStart + i]);
    return pairs;
  }
  const width = l + 1;
  const best = new Float64Array((k + 1) * width);
  const scores = new Float64Array(k * l);
  for (let i = k - 1; i >= 0; i--) {
    for (let j = l - 1; j >= 0; j--) {
      const s = (scores[i * l + j] = score(i, j));
      best[i * width + j] = Math.max(best[(i + 1) * width + j]!, best[i * width + j + 1]!, s > 0 ? best[(i + 1) * width + j + 1]! + s : 0);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < k && j < l) {
    const s = scores[i * l + j]!;
    if (s > 0 && best[i * width + j] === best[(i + 1) * width + j + 1]! + s) pairs.push([gap.oldStart + i++, gap.newStart + j++]);
    else if (best[(i + 1) * width + j]! >= best[i * width + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** Characters two fingerprints share at their start and their end. */
function affinity(a: string, b: string): number {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return start + end;
}

function sameType(block: Y.XmlElement | Y.XmlText | Y.XmlHook, node: PMNode): boolean {
  return block instanceof Y.XmlElement && block.nodeName === node.type.name;
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
