import type { HistoryAuthor } from '@tandem/common/api';
import * as Y from 'yjs';
import { EntryReader, type ChangeAuthor, type HistoryEntry, type IdRun } from './entry.js';
import { idSetFromRuns, subtractIdSets } from './id-sets.js';
import { NumberColumn } from './number-column.js';

/** The author shown for ids no entry holds (written before history was kept, or an entry a crash lost). */
export const UNKNOWN_AUTHOR: HistoryAuthor = { name: 'Unknown', color: null };

/** Sorted runs of one client's ids, each pointing at the entry that holds it. */
interface RunIndex {
  starts: NumberColumn;
  ends: NumberColumn;
  entries: NumberColumn;
  /** Clocks where the author may change (see `authorCuts`); built when first asked, dropped when runs change. */
  authorCuts?: number[];
}

/**
 * A document's history entries, decoded once per request, with the lookups history needs [HI3]: which
 * entry inserted or deleted an id, the authors, and the snapshot after the first n entries.
 *
 * Entries are kept in columns (a time and an author per entry; every run in one flat list), not as an object
 * per entry: a long history is hundreds of thousands of entries, and reading it as objects spent more time
 * collecting garbage than decoding.
 */
export class HistoryLedger {
  /** Distinct authors by name, in order of first appearance. */
  readonly authors: HistoryAuthor[] = [];
  /** Per entry: its index in `authors`. */
  private readonly authorIndexes = new NumberColumn(1024);
  /** Per entry: when the server accepted it (ms since the epoch). */
  private readonly times = new NumberColumn(1024);
  /** Every entry's runs as flat `client, clock, length` triples: its inserted runs, then its deleted ones. */
  private readonly runs = new NumberColumn(3072);
  /** Per entry: where its inserted runs start in `runs`. */
  private readonly insertedFrom = new NumberColumn(1024);
  /** Per entry: where its deleted runs start in `runs` (they end where the next entry's inserted start). */
  private readonly deletedFrom = new NumberColumn(1024);
  private readonly authorIndexByName = new Map<string, number>();
  private lastAuthor: ChangeAuthor | null = null;
  private lastAuthorIndex = -1;
  private readonly inserts = new Map<number, RunIndex>();
  private readonly deletes = new Map<number, RunIndex>();

  constructor(entries: readonly HistoryEntry[] = []) {
    for (const entry of entries) this.appendEntry(entry, false);
    this.sortIndexes();
  }

  /** Reads stored entries. */
  static fromStored(raw: readonly Uint8Array[]): HistoryLedger {
    const ledger = new HistoryLedger();
    const reader = new EntryReader();
    const { view } = reader;
    for (let i = 0; i < raw.length; i++) {
      if (reader.read(raw[i]!)) ledger.append(view.at, view.author, view.inserted, view.deleted, false);
    }
    ledger.sortIndexes();
    return ledger;
  }

  /** Adds an entry written after the ledger was read (the room's own, in order). */
  add(entry: HistoryEntry): void {
    this.appendEntry(entry, true);
  }

  private appendEntry(entry: HistoryEntry, sorted: boolean): void {
    this.append(entry.at, entry.author, entry.inserted.flat(), entry.deleted.flat(), sorted);
  }

  /** `inserted` and `deleted` are flat triples; copied, so the caller may reuse them. */
  private append(at: number, author: ChangeAuthor, inserted: readonly number[], deleted: readonly number[], sorted: boolean): void {
    const i = this.times.length;
    this.times.push(at);
    this.authorIndexes.push(this.authorIndexOf(author));
    const { runs } = this;
    this.insertedFrom.push(runs.length);
    for (let k = 0; k < inserted.length; k++) runs.push(inserted[k]!);
    this.deletedFrom.push(runs.length);
    for (let k = 0; k < deleted.length; k++) runs.push(deleted[k]!);
    addRuns(this.inserts, inserted, i, sorted);
    addRuns(this.deletes, deleted, i, sorted);
  }

  private authorIndexOf(author: ChangeAuthor): number {
    // Entries of one author share one object: most entries skip the lookup by name.
    if (author === this.lastAuthor) return this.lastAuthorIndex;
    let index = this.authorIndexByName.get(author.name);
    if (index === undefined) {
      index = this.authors.length;
      this.authorIndexByName.set(author.name, index);
      this.authors.push({ name: author.name, color: author.color });
    }
    this.lastAuthor = author;
    this.lastAuthorIndex = index;
    return index;
  }

  private sortIndexes(): void {
    for (const index of this.inserts.values()) sortIndex(index);
    for (const index of this.deletes.values()) sortIndex(index);
  }

  get length(): number {
    return this.times.length;
  }

  /** When entry `i` was accepted (ms since the epoch). */
  at(i: number): number {
    return this.times.at(i);
  }

  /** Entry `i`'s author, as an index in `authors`. */
  authorOf(i: number): number {
    return this.authorIndexes.at(i);
  }

  /** The ids entry `i` inserted. */
  insertedRuns(i: number): IdRun[] {
    return this.runsBetween(this.insertedFrom.at(i), this.deletedFrom.at(i));
  }

  /** The ids entry `i` deleted. */
  deletedRuns(i: number): IdRun[] {
    return this.runsBetween(this.deletedFrom.at(i), this.deletedEnd(i));
  }

  /** Where entry `i`'s deleted runs end in `runs`. */
  private deletedEnd(i: number): number {
    return i + 1 < this.length ? this.insertedFrom.at(i + 1) : this.runs.length;
  }

  private runsBetween(from: number, to: number): IdRun[] {
    const { runs } = this;
    const out: IdRun[] = [];
    for (let k = from; k < to; k += 3) out.push([runs.at(k), runs.at(k + 1), runs.at(k + 2)]);
    return out;
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
      const cuts = (index.authorCuts ??= authorCuts(index, this.authorIndexes));
      for (let i = firstAfter(cuts, clock); i < cuts.length && cuts[i]! < clock + len; i++) out.push(cuts[i]!);
    }
  }

  /**
   * [HI3] The document after the first `n` entries: the base (every id of `doc` no entry inserted, with
   * every deletion no entry made) plus those entries' inserts and deletes.
   */
  snapshotAt(n: number, doc: Y.Doc): Y.Snapshot {
    const current = Y.snapshot(doc);
    const { runs } = this;
    const sv = new Map<number, number>();
    // Base: each client up to its first recorded insert; clients no entry names, entirely.
    for (const [client, state] of current.sv) {
      const index = this.inserts.get(client);
      sv.set(client, index ? Math.min(state, index.starts.at(0)) : state);
    }
    const deleted: IdRun[] = [];
    const recorded: IdRun[] = [];
    const count = Math.min(n, this.length);
    for (let i = 0; i < this.length; i++) {
      if (i < count) {
        for (let k = this.insertedFrom.at(i); k < this.deletedFrom.at(i); k += 3) {
          const client = runs.at(k);
          sv.set(client, Math.max(sv.get(client) ?? 0, runs.at(k + 1) + runs.at(k + 2)));
        }
      }
      for (let k = this.deletedFrom.at(i), end = this.deletedEnd(i); k < end; k += 3) {
        const run: IdRun = [runs.at(k), runs.at(k + 1), runs.at(k + 2)];
        recorded.push(run);
        if (i < count) deleted.push(run);
      }
    }
    const baseDeletes = subtractIdSets(current.ds, idSetFromRuns(recorded));
    for (const [client, ranges] of baseDeletes.clients) for (const { clock, len } of ranges) deleted.push([client, clock, len]);
    return Y.createSnapshot(idSetFromRuns(deleted), sv);
  }

  /** Entry indexes of `name`'s changes at or after `since` (ms). */
  entriesOf(name: string, since: number): number[] {
    const author = this.authorIndexByName.get(name);
    const out: number[] = [];
    if (author === undefined) return out;
    for (let i = 0; i < this.length; i++) if (this.authorIndexes.at(i) === author && this.times.at(i) >= since) out.push(i);
    return out;
  }
}

/**
 * Adds flat `client, clock, length` triples; `sorted` keeps each index sorted as it goes (one entry at a
 * time), else `sortIndex` follows.
 */
function addRuns(indexes: Map<number, RunIndex>, runs: readonly number[], entry: number, sorted: boolean): void {
  for (let r = 0; r < runs.length; r += 3) {
    const client = runs[r]!;
    const clock = runs[r + 1]!;
    const len = runs[r + 2]!;
    let index = indexes.get(client);
    if (!index) indexes.set(client, (index = { starts: new NumberColumn(), ends: new NumberColumn(), entries: new NumberColumn() }));
    // Usually in clock order (inserts always are); a delete of older ids goes to its sorted place.
    const last = index.starts.length - 1;
    const at = !sorted || last < 0 || index.starts.at(last) <= clock ? last + 1 : firstEndingAfter(index, clock);
    index.authorCuts = undefined;
    if (at === last + 1) {
      index.starts.push(clock);
      index.ends.push(clock + len);
      index.entries.push(entry);
      continue;
    }
    index.starts.insert(at, clock);
    index.ends.insert(at, clock + len);
    index.entries.insert(at, entry);
  }
}

function sortIndex(index: RunIndex): void {
  const { starts, ends, entries } = index;
  let sorted = true;
  for (let i = 1; i < starts.length && sorted; i++) sorted = starts.at(i - 1) <= starts.at(i);
  if (sorted) return;
  const order = Array.from({ length: starts.length }, (_, i) => i).sort((a, b) => starts.at(a) - starts.at(b));
  index.starts = NumberColumn.of(order.map((i) => starts.at(i)));
  index.ends = NumberColumn.of(order.map((i) => ends.at(i)));
  index.entries = NumberColumn.of(order.map((i) => entries.at(i)));
}

/**
 * The clocks of one client's index where the author (or whether any entry holds the id) may change: a
 * run's start unless it continues the run before it under the same author, a run's end unless the next
 * run continues it under the same author. Overlapping runs (two entries that deleted the same ids) keep
 * both their edges: a cut too many only costs a piece that merges back.
 */
function authorCuts(index: RunIndex, authorOf: NumberColumn): number[] {
  const { starts, ends, entries } = index;
  const cuts: number[] = [];
  const last = starts.length - 1;
  for (let i = 0; i <= last; i++) {
    const author = authorOf.at(entries.at(i));
    if (i === 0 || ends.at(i - 1) !== starts.at(i) || authorOf.at(entries.at(i - 1)) !== author) cuts.push(starts.at(i));
    if (i === last || starts.at(i + 1) !== ends.at(i) || authorOf.at(entries.at(i + 1)) !== author) cuts.push(ends.at(i));
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
    if (index.ends.at(mid) <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lookup(index: RunIndex | undefined, clock: number): number {
  if (!index) return -1;
  const i = firstEndingAfter(index, clock);
  return i < index.starts.length && index.starts.at(i) <= clock ? index.entries.at(i) : -1;
}
