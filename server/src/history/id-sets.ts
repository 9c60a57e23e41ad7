import * as Y from 'yjs';
import type { IdRun } from './entry.js';

/**
 * Sets of Yjs ids as Yjs's own `DeleteSet` (client → sorted, merged `{clock, len}` ranges), so they can be
 * handed to `Y.isDeleted`, `Y.createSnapshot` and the undo machinery. Yjs builds these only from
 * transactions; history builds them from entries and snapshots.
 */

/** Yjs's DeleteSet (its type is not exported by name). */
export type IdSet = ReturnType<typeof Y.createDeleteSet>;

interface Range {
  clock: number;
  len: number;
}

/** Sorts and merges overlapping or touching ranges, in place per client. */
function normalise(clients: Map<number, Range[]>): IdSet {
  const ds = Y.createDeleteSet();
  for (const [client, ranges] of clients) {
    ranges.sort((a, b) => a.clock - b.clock);
    const merged: Range[] = [];
    for (const { clock, len } of ranges) {
      if (len <= 0) continue;
      const last = merged[merged.length - 1];
      if (last && clock <= last.clock + last.len) last.len = Math.max(last.len, clock + len - last.clock);
      else merged.push({ clock, len });
    }
    // The DeleteSet's items are plain `{clock, len}` records for every reader in Yjs.
    if (merged.length > 0) ds.clients.set(client, merged as never);
  }
  return ds;
}

export function idSetFromRuns(runs: Iterable<IdRun>): IdSet {
  const clients = new Map<number, Range[]>();
  for (const [client, clock, len] of runs) {
    let ranges = clients.get(client);
    if (!ranges) clients.set(client, (ranges = []));
    ranges.push({ clock, len });
  }
  return normalise(clients);
}

export function* runsOf(ds: IdSet): Generator<IdRun> {
  for (const [client, ranges] of ds.clients) for (const { clock, len } of ranges) yield [client, clock, len];
}

/** `a` without the ids in `b`. */
export function subtractIdSets(a: IdSet, b: IdSet): IdSet {
  const out = new Map<number, Range[]>();
  for (const [client, ranges] of a.clients) {
    const cut = b.clients.get(client) ?? [];
    const kept: Range[] = [];
    let j = 0;
    for (const { clock, len } of ranges) {
      let start = clock;
      const end = clock + len;
      while (j < cut.length && cut[j]!.clock + cut[j]!.len <= start) j++;
      let k = j;
      while (start < end && k < cut.length && cut[k]!.clock < end) {
        const c = cut[k]!;
        if (c.clock > start) kept.push({ clock: start, len: c.clock - start });
        start = Math.max(start, c.clock + c.len);
        k++;
      }
      if (start < end) kept.push({ clock: start, len: end - start });
    }
    out.set(client, kept);
  }
  return normalise(out);
}

/** The ids between two state vectors: what was created after `from` up to `to`. */
export function idsBetween(from: Map<number, number>, to: Map<number, number>): IdSet {
  const runs: IdRun[] = [];
  for (const [client, end] of to) {
    const start = from.get(client) ?? 0;
    if (end > start) runs.push([client, start, end - start]);
  }
  return idSetFromRuns(runs);
}

/** Keeps only ids the document has (a run an entry recorded but a crash lost must not reach Yjs). */
export function clampToDoc(ds: IdSet, doc: Y.Doc): IdSet {
  const runs: IdRun[] = [];
  for (const [client, clock, len] of runsOf(ds)) {
    const state = Y.getState(doc.store, client);
    const end = Math.min(clock + len, state);
    if (end > clock) runs.push([client, clock, end - clock]);
  }
  return idSetFromRuns(runs);
}
