import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EntryEncoder, type ChangeAuthor, type HistoryEntry, type IdRun } from '../../src/history/entry.js';
import { idSetFromRuns } from '../../src/history/id-sets.js';
import { HistoryLedger } from '../../src/history/ledger.js';
import { NumberColumn } from '../../src/history/number-column.js';

/**
 * [HI3] The ledger keeps entries in columns. Built three ways — from stored bytes (as a request reads it),
 * from entry objects, and one entry at a time as a room adds its own — it must answer every question the
 * way a plain reading of the entries does: who inserted and who deleted each id, when, which runs, whose
 * changes since a time, and the snapshot after the first n entries.
 */

const NAMES = ['Ada', 'Grace', 'Linus'];
const author = (name: string): ChangeAuthor => ({ session: name, name, color: null, scope: 'edit', generation: 0, user: null, source: 'socket' });
// Yjs clients are uint32: the largest must survive the columns exactly.
const CLIENTS = [7, 2 ** 31 + 5, 2 ** 32 - 1];

type Step = { author: number; client: number; insert: number; deletes: { client: number; from: number; len: number }[] };

const step = fc.record({
  author: fc.nat({ max: NAMES.length - 1 }),
  client: fc.nat({ max: CLIENTS.length - 1 }),
  insert: fc.nat({ max: 4 }),
  deletes: fc.array(fc.record({ client: fc.nat({ max: CLIENTS.length - 1 }), from: fc.nat({ max: 40 }), len: fc.integer({ min: 1, max: 3 }) }), {
    maxLength: 2,
  }),
});

/**
 * Entries as a room records them: inserts continue each client's clock; deletes hit ids inserted before (or by
 * the same entry), in any order, each id once.
 */
function entriesOf(steps: Step[]): HistoryEntry[] {
  const clocks = CLIENTS.map(() => 0);
  const gone = new Set<string>();
  const entries: HistoryEntry[] = [];
  steps.forEach((s, i) => {
    const inserted: IdRun[] = s.insert > 0 ? [[CLIENTS[s.client]!, clocks[s.client]!, s.insert]] : [];
    clocks[s.client]! += s.insert;
    const deleted: IdRun[] = [];
    for (const d of s.deletes) {
      const upTo = clocks[d.client]!;
      if (upTo === 0) continue;
      const from = d.from % upTo;
      // As Yjs records deletions: an id is deleted once, so only ids still there count.
      for (let clock = from; clock < Math.min(from + d.len, upTo); clock++) {
        const key = `${d.client}:${clock}`;
        if (gone.has(key)) continue;
        gone.add(key);
        const last = deleted.at(-1);
        if (last && last[0] === CLIENTS[d.client] && last[1] + last[2] === clock) last[2]++;
        else deleted.push([CLIENTS[d.client]!, clock, 1]);
      }
    }
    if (inserted.length || deleted.length) entries.push({ at: 1_764_000_000_000 + i * 7, author: author(NAMES[s.author]!), inserted, deleted });
  });
  return entries;
}

/** The entry whose runs of `kind` hold `(client, clock)`, read entry by entry; -1 when none does. */
function plainLookup(entries: HistoryEntry[], kind: 'inserted' | 'deleted', client: number, clock: number): number {
  let found = -1;
  entries.forEach((e, i) => {
    if (e[kind].some(([c, k, l]) => c === client && k <= clock && clock < k + l)) found = i;
  });
  return found;
}

describe('HistoryLedger columns [HI3]', () => {
  it('answer as the entries read one by one, however the ledger was built', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.nat({ max: 60 }), (steps, cut) => {
        const entries = entriesOf(steps);
        const encoder = new EntryEncoder();
        const built = [
          HistoryLedger.fromStored(entries.map((e) => encoder.encode(e))),
          new HistoryLedger(entries),
          (() => {
            const ledger = new HistoryLedger();
            for (const e of entries) ledger.add(e);
            return ledger;
          })(),
        ];
        // A document holding every id the entries name, for the snapshot's base.
        const doc = new Y.Doc({ gc: false });
        for (const ledger of built) {
          expect(ledger.length).toBe(entries.length);
          entries.forEach((e, i) => {
            expect(ledger.at(i)).toBe(e.at);
            expect(ledger.authors[ledger.authorOf(i)]!.name).toBe(e.author.name);
            expect(ledger.insertedRuns(i)).toEqual(e.inserted);
            expect(ledger.deletedRuns(i)).toEqual(e.deleted);
          });
          for (const client of CLIENTS) {
            for (let clock = 0; clock < 60; clock++) {
              expect(ledger.insertedBy(client, clock)).toBe(plainLookup(entries, 'inserted', client, clock));
              expect(ledger.deletedBy(client, clock)).toBe(plainLookup(entries, 'deleted', client, clock));
            }
          }
          const since = 1_764_000_000_000 + cut * 7;
          for (const name of [...NAMES, 'Nobody']) {
            const expected = entries.flatMap((e, i) => (e.author.name === name && e.at >= since ? [i] : []));
            expect(ledger.entriesOf(name, since)).toEqual(expected);
          }
          const n = cut % (entries.length + 1);
          const plainSv = new Map<number, number>();
          for (const e of entries.slice(0, n)) for (const [c, k, l] of e.inserted) plainSv.set(c, Math.max(plainSv.get(c) ?? 0, k + l));
          const plain = Y.createSnapshot(idSetFromRuns(entries.slice(0, n).flatMap((e) => e.deleted)), plainSv);
          expect(Y.equalSnapshots(ledger.snapshotAt(n, doc), plain)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('NumberColumn', () => {
  it('keeps values in order through growth, insertion anywhere and copies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.option(fc.nat(), { nil: undefined }), value: fc.oneof(fc.nat(), fc.constant(2 ** 32 - 1), fc.constant(1_764_000_000_123)) })),
        (ops) => {
          const column = new NumberColumn(1);
          const plain: number[] = [];
          for (const { at, value } of ops) {
            if (at === undefined) {
              column.push(value);
              plain.push(value);
            } else {
              const i = at % (plain.length + 1);
              column.insert(i, value);
              plain.splice(i, 0, value);
            }
          }
          expect(column.length).toBe(plain.length);
          expect(column.toArray()).toEqual(plain);
          expect(plain.map((_, i) => column.at(i))).toEqual(plain);
          expect(NumberColumn.of(plain).toArray()).toEqual(plain);
        },
      ),
    );
  });
});
