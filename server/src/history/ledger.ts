import type { HistoryAuthor } from '@tandem/common/api';
import * as Y from 'yjs';
import { decodeEntries, type HistoryEntry, type IdRun } from './entry.js';
import { idSetFromRuns, subtractIdSets } from './id-sets.js';

/** The author shown for ids no entry holds (written before history was kept, or an entry a crash lost). */
export const UNKNOWN_AUTHOR: HistoryAuthor = { name: 'Unknown', color: null };

/** Sorted runs of one client's ids, each pointing at the entry that holds it. */
interface RunIndex {
  starts: number[];
  ends: number[];
  entries: number[];
  /** Clocks where the author may change (see `authorCuts`); built when first asked, dropped when runs change. */
  authorCuts?: number[];
}

/**
 * A document's history entries, decoded once per request, with the lookups history needs [HI3]: which
 * entry inserted or deleted an id, the authors, and the snapshot after the first n entries.
 */
export class HistoryLedger {
  readonly entries: HistoryEntry[];
  /** Distinct authors by name, in order of first appearance. */
  readonly authors: HistoryAuthor[] = [];
  /** Per entry: its index in `authors`. */
  readonly authorOf: number[];
  private readonly authorIndexByName = new Map<string, number>();
  private readonly inserts = new Map<number, RunIndex>();
  private readonly deletes = new Map<number, RunIndex>();

  constructor(entries: HistoryEntry[]) {
    this.entries = entries;
    const byName = this.authorIndexByName;
    this.authorOf = this.entries.map(({ author }) => {
      let index = byName.get(author.name);
      if (index === undefined) {
        index = this.authors.length;
        byName.set(author.name, index);
        this.authors.push({ name: author.name, color: author.color });
      }
      return index;
    });
    this.entries.forEach((entry, i) => this.index(entry, i, false));
    for (const index of [...this.inserts.values(), ...this.deletes.values()]) sortIndex(index);
  }

  /** Reads stored entries. */
  static fromStored(raw: readonly Uint8Array[]): HistoryLedger {
    return new HistoryLedger(decodeEntries(raw));
  }

  /** Adds an entry written after the ledger was read (the room's own, in order). */
  add(entry: HistoryEntry): void {
    const i = this.entries.length;
    this.entries.push(entry);
    let index = this.authorIndexByName.get(entry.author.name);
    if (index === undefined) {
      index = this.authors.length;
      this.authorIndexByName.set(entry.author.name, index);
      this.authors.push({ name: entry.author.name, color: entry.author.color });
    }
    this.authorOf.push(index);
    this.index(entry, i, true);
  }

  private index(entry: HistoryEntry, i: number, sorted: boolean): void {
    addRuns(this.inserts, entry.inserted, i, sorted);
    addRuns(this.deletes, entry.deleted, i, sorted);
  }

  get length(): number {
    return this.entries.length;
  }

  /** The entry that created `(client, clock)`, or -1. */
  insertedBy(client: number, clock: number): number {
    return lookup(this.inserts.get(client), clock);
  }

  /** The entry that deleted `(client, clock)`, or -1. */
  deletedBy(client: number, clock: number): number {
    return lookup(this.deletes.get(client), clock);
  }

  /**
   * Clocks inside `(clock, clock + len)` where the author of the inserting or deleting entry may change.
   * Cuts between entries of one author are left out: a typist's every keystroke is an entry, and a diff
   * that cut there would build a piece per character only to merge them again.
   */
  authorBoundaries(client: number, clock: number, len: number, out: number[]): void {
    for (const index of [this.inserts.get(client), this.deletes.get(client)]) {
      if (!index) continue;
      const cuts = (index.authorCuts ??= authorCuts(index, this.authorOf));
      for (let i = firstAfter(cuts, clock); i < cuts.length && cuts[i]! < clock + len; i++) out.push(cuts[i]!);
    }
  }

  /**
   * [HI3] The document after the first `n` entries: the base (every id of `doc` no entry inserted, with
   * every deletion no entry made) plus those entries' inserts and deletes.
   */
  snapshotAt(n: number, doc: Y.Doc): Y.Snapshot {
    const current = Y.snapshot(doc);
    const sv = new Map<number, number>();
    // Base: each client up to its first recorded insert; clients no entry names, entirely.
    for (const [client, state] of current.sv) {
      const index = this.inserts.get(client);
      sv.set(client, index ? Math.min(state, index.starts[0]!) : state);
    }
    const deleted: IdRun[] = [];
    for (let i = 0; i < n && i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      for (const [client, clock, len] of entry.inserted) sv.set(client, Math.max(sv.get(client) ?? 0, clock + len));
      deleted.push(...entry.deleted);
    }
    const recordedDeletes = idSetFromRuns(this.entries.flatMap((e) => e.deleted));
    const baseDeletes = subtractIdSets(current.ds, recordedDeletes);
    for (const [client, ranges] of baseDeletes.clients) for (const { clock, len } of ranges) deleted.push([client, clock, len]);
    return Y.createSnapshot(idSetFromRuns(deleted), sv);
  }

  /** Entry indexes of `name`'s changes at or after `since` (ms). */
  entriesOf(name: string, since: number): number[] {
    const out: number[] = [];
    this.entries.forEach((entry, i) => {
      if (entry.author.name === name && entry.at >= since) out.push(i);
    });
    return out;
  }
}

/** Adds runs; `sorted` keeps each index sorted as it goes (one entry at a time), else `sortIndex` follows. */
function addRuns(indexes: Map<number, RunIndex>, runs: readonly IdRun[], entry: number, sorted: boolean): void {
  for (let r = 0; r < runs.length; r++) {
    const [client, clock, len] = runs[r]!;
    let index = indexes.get(client);
    if (!index) indexes.set(client, (index = { starts: [], ends: [], entries: [] }));
    // Usually in clock order (inserts always are); a delete of older ids goes to its sorted place.
    const last = index.starts.length - 1;
    const at = !sorted || last < 0 || index.starts[last]! <= clock ? last + 1 : firstEndingAfter(index, clock);
    index.authorCuts = undefined;
    if (at === last + 1) {
      // The common case, and the only one while a whole history is read: `splice` at the end costs far more.
      index.starts.push(clock);
      index.ends.push(clock + len);
      index.entries.push(entry);
      continue;
    }
    index.starts.splice(at, 0, clock);
    index.ends.splice(at, 0, clock + len);
    index.entries.splice(at, 0, entry);
  }
}

function sortIndex(index: RunIndex): void {
  const order = index.starts.map((_, i) => i);
  if (order.every((i) => i === 0 || index.starts[i - 1]! <= index.starts[i]!)) return;
  order.sort((a, b) => index.starts[a]! - index.starts[b]!);
  index.starts = order.map((i) => index.starts[i]!);
  index.ends = order.map((i) => index.ends[i]!);
  index.entries = order.map((i) => index.entries[i]!);
}

/**
 * The clocks of one client's index where the author (or whether any entry holds the id) may change: a
 * run's start unless it continues the run before it under the same author, a run's end unless the next
 * run continues it under the same author. Overlapping runs (two entries that deleted the same ids) keep
 * both their edges: a cut too many only costs a piece that merges back.
 */
function authorCuts(index: RunIndex, authorOf: readonly number[]): number[] {
  const { starts, ends, entries } = index;
  const cuts: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    const author = authorOf[entries[i]!];
    if (i === 0 || ends[i - 1] !== starts[i] || authorOf[entries[i - 1]!] !== author) cuts.push(starts[i]!);
    if (i === starts.length - 1 || starts[i + 1] !== ends[i] || authorOf[entries[i + 1]!] !== author) cuts.push(ends[i]!);
  }
  // Sorted already unless runs overlap.
  for (let i = 1; i < cuts.length; i++) if (cuts[i - 1]! > cuts[i]!) return cuts.sort((a, b) => a - b);
  return cuts;
}

/** The first of sorted `values` greater than `clock` (binary search). */
function firstAfter(values: readonly number[], clock: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first run whose end lies after `clock` (binary search; runs of one client do not overlap). */
function firstEndingAfter(index: RunIndex, clock: number): number {
  let lo = 0;
  let hi = index.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.ends[mid]! <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lookup(index: RunIndex | undefined, clock: number): number {
  if (!index) return -1;
  const i = firstEndingAfter(index, clock);
  return i < index.starts.length && index.starts[i]! <= clock ? index.entries[i]! : -1;
}
