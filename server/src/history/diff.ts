import { CONTENT_FRAGMENT, titleText } from '@tandem/common';
import type { ChangeKind, DiffBlock, DiffSegment, HistoryAuthor, HistoryDiff } from '@tandem/common/api';
import * as Y from 'yjs';
import { UNKNOWN_AUTHOR, type HistoryLedger } from './ledger.js';

/**
 * What changed between two points of a document's history [HI3], as the editor draws it: the blocks of
 * the later state with the text inserted since the earlier one and the text deleted since, each with its
 * author. It walks the document's items once (history keeps deleted ones [HI1]) and asks each piece of
 * text whether it is visible at either point — no state is rendered twice, no entry replayed.
 */

interface Side {
  from: boolean;
  to: boolean;
  /** Entry that deleted the nearest deleted ancestor (the reason a child is gone), or -1. */
  deletedBy: number;
}

class DiffWalk {
  private readonly authors: HistoryAuthor[] = [];
  private readonly authorIndex = new Map<number, number>();
  readonly blocks: DiffBlock[] = [];

  constructor(
    private readonly ledger: HistoryLedger,
    private readonly from: Y.Snapshot,
    private readonly to: Y.Snapshot,
  ) {}

  result(fromName: string, toName: string, title: DiffSegment[]): HistoryDiff {
    return { from: fromName, to: toName, authors: this.authors, title, blocks: this.blocks };
  }

  /** Index into the answer's authors of the entry's author (the unknown author for -1). */
  private author(entry: number): number {
    // Keyed by the ledger's author, not the entry: a long history has few authors and many entries.
    const key = entry < 0 ? -1 : this.ledger.authorOf(entry);
    let index = this.authorIndex.get(key);
    if (index !== undefined) return index;
    const who = key < 0 ? UNKNOWN_AUTHOR : this.ledger.authors[key]!;
    index = this.authors.length;
    this.authors.push(who);
    this.authorIndex.set(key, index);
    return index;
  }

  private visible(item: Y.Item, snapshot: Y.Snapshot, offset = 0): boolean {
    const { client, clock } = item.id;
    return (snapshot.sv.get(client) ?? 0) > clock + offset && !Y.isDeleted(snapshot.ds, Y.createID(client, clock + offset));
  }

  /**
   * Where a child item stands at the two points, given where its parent stands; null when it is in neither.
   * A child gone only because its parent went keeps the parent's deleter.
   */
  private sideOf(item: Y.Item, parent: Side): Side | null {
    const from = parent.from && this.visible(item, this.from);
    const to = parent.to && this.visible(item, this.to);
    if (!from && !to) return null;
    const deletedBy = from && !to && parent.deletedBy < 0 ? this.ledger.deletedBy(item.id.client, item.id.clock) : parent.deletedBy;
    return { from, to, deletedBy };
  }

  /** Walks the children of a fragment or element; `path` names the enclosing nodes. */
  children(parent: Y.XmlFragment | Y.XmlElement, path: string[], side: Side): void {
    for (let item = parent._start; item !== null; item = item.right) {
      if (!(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      const childSide = this.sideOf(item, side);
      if (!childSide || !(child instanceof Y.XmlElement)) continue;
      if (holdsText(child)) this.block(child, path, childSide);
      else this.children(child, [...path, child.nodeName], childSide);
    }
  }

  private block(element: Y.XmlElement, path: string[], side: Side): void {
    const segments: DiffSegment[] = [];
    for (let item = element._start; item !== null; item = item.right) {
      if (!(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      const childSide = this.sideOf(item, side);
      if (!childSide) continue;
      if (child instanceof Y.XmlText) this.text(child, childSide, segments);
      else if (child instanceof Y.XmlElement) this.piece('\n', item, 0, childSide, segments, []);
    }
    const level = element.getAttribute('level');
    this.blocks.push({
      type: element.nodeName,
      ...(typeof level === 'number' ? { level } : {}),
      path,
      change: kind(side.from, side.to),
      segments,
    });
  }

  /** The characters of a text, split where visibility or authorship changes. */
  text(text: Y.Text, side: Side, segments: DiffSegment[]): void {
    const marks = new Map<string, boolean>();
    for (let item = text._start; item !== null; item = item.right) {
      const { content } = item;
      if (content instanceof Y.ContentFormat) {
        // A mark counts from where it is set in the later state (or, if gone by then, the earlier one).
        if (this.visible(item, this.to) || this.visible(item, this.from)) {
          if (content.value === null) marks.delete(content.key);
          else marks.set(content.key, true);
        }
        continue;
      }
      if (!(content instanceof Y.ContentString)) continue;
      const cuts: number[] = [];
      const { client, clock } = item.id;
      this.ledger.authorBoundaries(client, clock, item.length, cuts);
      for (const snapshot of [this.from, this.to]) {
        const end = snapshot.sv.get(client) ?? 0;
        if (end > clock && end < clock + item.length) cuts.push(end);
        const ranges = snapshot.ds.clients.get(client) ?? [];
        // Only the ranges overlapping this item (binary search): a long history has many of them.
        for (let i = firstRangeEndingAfter(ranges, clock); i < ranges.length && ranges[i]!.clock < clock + item.length; i++) {
          const { clock: c, len } = ranges[i]!;
          if (c > clock) cuts.push(c);
          if (c + len < clock + item.length) cuts.push(c + len);
        }
      }
      const markList = [...marks.keys()];
      if (cuts.length === 0) {
        this.piece(content.str, item, 0, side, segments, markList);
        continue;
      }
      cuts.sort((a, b) => a - b);
      let start = 0;
      for (const point of cuts) {
        const cut = point - clock;
        if (cut <= start) continue;
        this.piece(content.str.slice(start, cut), item, start, side, segments, markList);
        start = cut;
      }
      this.piece(content.str.slice(start), item, start, side, segments, markList);
    }
  }

  private piece(text: string, item: Y.Item, offset: number, side: Side, segments: DiffSegment[], marks: string[]): void {
    const from = side.from && this.visible(item, this.from, offset);
    const to = side.to && this.visible(item, this.to, offset);
    if (!from && !to) return;
    const change = kind(from, to);
    const { client, clock } = item.id;
    let entry = -1;
    if (change === 'insert') entry = this.ledger.insertedBy(client, clock + offset);
    else if (change === 'delete') {
      // Gone either because the text itself was deleted, or because a block around it was.
      const own = Y.isDeleted(this.to.ds, Y.createID(client, clock + offset)) ? this.ledger.deletedBy(client, clock + offset) : -1;
      entry = own >= 0 ? own : side.deletedBy;
    }
    const segment: DiffSegment = { text, change };
    if (change !== 'same') {
      segment.author = this.author(entry);
      if (entry >= 0) segment.at = this.ledger.at(entry);
    }
    if (marks.length > 0) segment.marks = marks;
    const last = segments[segments.length - 1];
    if (last && last.change === segment.change && last.author === segment.author && sameMarks(last.marks, segment.marks)) {
      last.text += text;
    } else segments.push(segment);
  }
}

/** Whether an element is a text block (its children are text), as opposed to a container of blocks. */
function holdsText(element: Y.XmlElement): boolean {
  for (let item = element._start; item !== null; item = item.right) {
    if (item.content instanceof Y.ContentType) return item.content.type instanceof Y.XmlText;
  }
  // An empty element: a text block unless its name says it holds blocks.
  return !CONTAINERS.has(element.nodeName);
}

const CONTAINERS = new Set(['bulletList', 'orderedList', 'taskList', 'listItem', 'taskItem', 'blockquote', 'table', 'tableRow', 'tableCell', 'tableHeader']);

/** The first of sorted, disjoint ranges that ends after `clock`. */
function firstRangeEndingAfter(ranges: readonly { clock: number; len: number }[], clock: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid]!.clock + ranges[mid]!.len <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function kind(from: boolean, to: boolean): ChangeKind {
  return from && to ? 'same' : to ? 'insert' : 'delete';
}

function sameMarks(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === b) return true;
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((mark, i) => mark === right[i]);
}

/** The diff between two snapshots of `doc` (kept with gc off). */
export function diffSnapshots(
  doc: Y.Doc,
  ledger: HistoryLedger,
  from: { name: string; snapshot: Y.Snapshot },
  to: { name: string; snapshot: Y.Snapshot },
): HistoryDiff {
  const walk = new DiffWalk(ledger, from.snapshot, to.snapshot);
  const everywhere = { from: true, to: true, deletedBy: -1 };
  walk.children(doc.getXmlFragment(CONTENT_FRAGMENT), [], everywhere);
  const title: DiffSegment[] = [];
  walk.text(titleText(doc), everywhere, title);
  return walk.result(from.name, to.name, title);
}
