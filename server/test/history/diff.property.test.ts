import { CONTENT_FRAGMENT } from '@tandem/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffSnapshots } from '../../src/history/diff.js';
import type { ChangeAuthor, HistoryEntry, IdRun } from '../../src/history/entry.js';
import { HistoryLedger } from '../../src/history/ledger.js';

/**
 * [HI3] A diff is cut only where the author may change, not at every entry (a typist's every keystroke is
 * one). Held here against a character-by-character reading of the same history: every character of the
 * diff has the change and author that its own id's entry gives, and each segment carries the time of the
 * entry of its first character.
 */

const AUTHORS = ['Ada', 'Grace', 'Linus'];

function authorNamed(name: string): ChangeAuthor {
  return { session: name, name, color: null, scope: 'edit', generation: 0, user: null, source: 'socket' };
}

type Edit = { author: number; client: number; insert: boolean; at: number; text: string; len: number };

const edit = fc.record({
  author: fc.nat({ max: AUTHORS.length - 1 }),
  client: fc.nat({ max: 2 }),
  insert: fc.boolean(),
  at: fc.nat({ max: 1_000 }),
  text: fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('a', 'b', 'c', ' ') }),
  len: fc.integer({ min: 1, max: 5 }),
});

/** Replays `edits` as the room would record them: one entry per transaction, from its before/after states. */
function replay(edits: Edit[]): { doc: Y.Doc; entries: HistoryEntry[]; snapshots: Y.Snapshot[] } {
  const doc = new Y.Doc({ gc: false });
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText('base');
  doc.transact(() => {
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph]);
    paragraph.insert(0, [text]);
  });
  const entries: HistoryEntry[] = [];
  const snapshots = [Y.snapshot(doc)];
  edits.forEach((e, i) => {
    doc.clientID = 1_000 + e.client;
    let entry: HistoryEntry | null = null;
    const record = (tr: Y.Transaction) => {
      const inserted: IdRun[] = [];
      for (const [client, after] of tr.afterState) {
        const before = tr.beforeState.get(client) ?? 0;
        if (after > before) inserted.push([client, before, after - before]);
      }
      const deleted: IdRun[] = [];
      for (const [client, ranges] of tr.deleteSet.clients) for (const { clock, len } of ranges) deleted.push([client, clock, len]);
      if (inserted.length || deleted.length) entry = { at: 1_000_000 + i, author: authorNamed(AUTHORS[e.author]!), inserted, deleted };
    };
    doc.on('afterTransaction', record);
    if (e.insert) text.insert(e.at % (text.length + 1), e.text);
    else if (text.length > 0) {
      const from = e.at % text.length;
      text.delete(from, Math.min(e.len, text.length - from));
    }
    doc.off('afterTransaction', record);
    if (entry) entries.push(entry);
    snapshots.push(Y.snapshot(doc));
  });
  return { doc, entries, snapshots };
}

interface Char {
  char: string;
  change: string;
  author?: string;
}

/** The diff read one character at a time, straight from the ids and the ledger. */
function expectedChars(doc: Y.Doc, ledger: HistoryLedger, from: Y.Snapshot, to: Y.Snapshot): { chars: Char[]; at: (number | undefined)[] } {
  const visible = (snapshot: Y.Snapshot, client: number, clock: number) =>
    (snapshot.sv.get(client) ?? 0) > clock && !Y.isDeleted(snapshot.ds, Y.createID(client, clock));
  const paragraph = doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement;
  const text = paragraph.get(0) as Y.XmlText;
  const chars: Char[] = [];
  const at: (number | undefined)[] = [];
  for (let item = text._start; item !== null; item = item.right) {
    if (!(item.content instanceof Y.ContentString)) continue;
    const { client, clock } = item.id;
    for (let k = 0; k < item.length; k++) {
      const inFrom = visible(from, client, clock + k);
      const inTo = visible(to, client, clock + k);
      if (!inFrom && !inTo) continue;
      const change = inFrom && inTo ? 'same' : inTo ? 'insert' : 'delete';
      let entry = -1;
      if (change === 'insert') entry = ledger.insertedBy(client, clock + k);
      if (change === 'delete') entry = ledger.deletedBy(client, clock + k);
      const char: Char = { char: item.content.str[k]!, change };
      if (change !== 'same') char.author = entry < 0 ? 'Unknown' : ledger.authors[ledger.authorOf(entry)]!.name;
      chars.push(char);
      at.push(entry < 0 ? undefined : ledger.at(entry));
    }
  }
  return { chars, at };
}

describe('history diff [HI3]', () => {
  it('gives every character the change and author of its own id, cut only where they change', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), (edits, a, b) => {
        const { doc, entries, snapshots } = replay(edits);
        const ledger = new HistoryLedger(entries);
        const [i, j] = [a % snapshots.length, b % snapshots.length].sort((x, y) => x - y) as [number, number];
        const diff = diffSnapshots(doc, ledger, { name: 'from', snapshot: snapshots[i]! }, { name: 'to', snapshot: snapshots[j]! });
        const expected = expectedChars(doc, ledger, snapshots[i]!, snapshots[j]!);

        const segments = diff.blocks[0]!.segments;
        const actual: Char[] = [];
        const firstAt: (number | undefined)[] = [];
        for (const segment of segments) {
          firstAt.push(segment.at);
          for (const char of segment.text) {
            const c: Char = { char, change: segment.change };
            if (segment.author !== undefined) c.author = diff.authors[segment.author]!.name;
            actual.push(c);
          }
        }
        expect(actual).toEqual(expected.chars);
        // Each segment starts where the one before it ends, with the time of its first character's entry.
        let offset = 0;
        segments.forEach((segment, n) => {
          expect(firstAt[n]).toBe(expected.at[offset]);
          offset += segment.text.length;
        });
        // Maximal: neighbours always differ in change or author.
        for (let n = 1; n < segments.length; n++) {
          const [left, right] = [segments[n - 1]!, segments[n]!];
          expect(left.change === right.change && left.author === right.author).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
