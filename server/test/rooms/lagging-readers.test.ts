import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMetrics } from '../../src/metrics.js';
import { decodeClientMessage, encodeSyncStep1, encodeSyncUpdate } from '../../src/protocol/messages.js';
import type { PeerSocket } from '../../src/rooms/connection.js';
import { LAGGING_ABOVE, WATCH_ABOVE } from '../../src/rooms/lagging-readers.js';
import type { Room } from '../../src/rooms/room.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { GatedStore } from '../support/gated-store.js';
import { testRegistry } from '../support/registry.js';

/**
 * A socket whose queued bytes the test sets: a reader on a slow link. What the room sends it is applied to its
 * own Y.Doc, as a client would (Yjs holds updates that arrive ahead of what they build on).
 */
class ReaderSocket implements PeerSocket {
  readonly doc = new Y.Doc();
  /** Update frames received (relays and catch-ups). */
  updates = 0;
  bufferedBytes = 0;
  private drained: (() => void)[] = [];
  isOpen = true;

  send(frame: Uint8Array) {
    const message = decodeClientMessage(frame);
    if (message.kind !== 'sync-update' && message.kind !== 'sync-step2') return;
    this.updates++;
    Y.applyUpdate(this.doc, message.update);
  }
  close() {
    this.isOpen = false;
  }
  whenDrained(fn: () => void) {
    this.drained.push(fn);
  }
  /** The peer read everything queued. */
  drain() {
    this.bufferedBytes = 0;
    const due = this.drained;
    this.drained = [];
    for (const fn of due) fn();
  }
  get waitsForDrain() {
    return this.drained.length > 0;
  }
}

/** Resolves once what the room and the memory store do through promises has run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the store write the oldest `batches` held appends (all by default), then lets the room act on it. */
async function written(store: GatedStore, batches = Infinity): Promise<void> {
  store.releaseAppends(batches);
  await settled();
}

const DOC = 'doc-aaaaaaaa';

async function setup(store: GatedStore) {
  const metrics = createMetrics();
  const now = new Date().toISOString();
  await store.create({ id: DOC, createdAt: now, updatedAt: now, linkGeneration: 0 });
  const room = await testRegistry(store, 10, metrics).acquire(DOC);
  return { room, metrics };
}

/** A writer: its own Y.Doc whose every change is sent to the room as one update. */
function writer(room: Room, clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const socket: PeerSocket = { send() {}, close() {}, isOpen: true };
  const conn = room.join(socket, { scope: 'edit', generation: 0 })!;
  doc.on('update', (update: Uint8Array) => room.receive(conn, encodeSyncUpdate(update)));
  const text = doc.getText('t');
  return {
    type(at: number, chars: string) {
      text.insert(Math.min(at, text.length), chars);
    },
    erase(at: number, length: number) {
      const from = Math.min(at, text.length);
      text.delete(from, Math.min(length, text.length - from));
    },
  };
}

function reader(room: Room) {
  const socket = new ReaderSocket();
  const conn = room.join(socket, { scope: 'view', generation: 0 })!;
  room.receive(conn, encodeSyncStep1(Y.encodeStateVector(socket.doc)));
  return socket;
}

const textOf = (doc: Y.Doc) => doc.getText('t').toString();

describe('readers that fall behind [RL5]', () => {
  it('[RL5] a reader with too much queued gets no relays until it drains, then one update with all it missed', async () => {
    const store = new GatedStore(createMemoryStore(), { holdAppends: false });
    const { room, metrics } = await setup(store);
    const slow = reader(room);
    const fast = reader(room);
    const w = writer(room, 7);
    w.type(0, 'before ');
    await settled();
    expect(textOf(slow.doc)).toBe('before ');

    slow.bufferedBytes = LAGGING_ABOVE + 1;
    const updatesBefore = slow.updates;
    for (let i = 0; i < 50; i++) {
      w.type(1_000, `${i} `);
      await settled();
    }
    expect(slow.updates).toBe(updatesBefore);
    expect(slow.waitsForDrain).toBe(true);
    expect(textOf(fast.doc)).toBe(textOf(room.doc));

    slow.drain();
    await settled();
    expect(slow.updates).toBe(updatesBefore + 1);
    expect(textOf(slow.doc)).toBe(textOf(room.doc));
    expect(await metrics.registry.getSingleMetricAsString('tandem_reader_catch_ups_total')).toMatch(/ 1$/m);

    // Back to ordinary relays.
    w.type(0, 'after ');
    await settled();
    expect(slow.updates).toBe(updatesBefore + 2);
    expect(textOf(slow.doc)).toBe(textOf(room.doc));
  });

  it('[RL5][D1] the catch-up leaves only once everything applied before it is durable', async () => {
    const store = new GatedStore(createMemoryStore());
    const { room } = await setup(store);
    const slow = reader(room);
    const w = writer(room, 7);
    w.type(0, 'one ');
    await settled();
    await written(store);
    slow.bufferedBytes = LAGGING_ABOVE + 1;
    w.type(100, 'two ');
    await settled();
    await written(store);
    w.type(100, 'three');
    await settled();
    slow.drain();
    await settled();
    // 'three' is applied, not yet durable: nothing leaves for the reader until it is.
    expect(textOf(slow.doc)).toBe('one ');
    await written(store);
    expect(textOf(slow.doc)).toBe('one two three');
  });

  it('[RL5] what the reader is sure to hold is taken only from changes already relayed, not from those still being written', async () => {
    const store = new GatedStore(createMemoryStore());
    const { room } = await setup(store);
    const slow = reader(room);
    const w = writer(room, 7);
    await settled();
    // Three batches applied, none written yet.
    for (const word of ['one ', 'two ', 'three ']) {
      w.type(100, word);
      await settled();
    }
    slow.bufferedBytes = WATCH_ABOVE + 1;
    // The first batch is relayed while the other two are in the document but not yet durable nor relayed…
    await written(store, 1);
    await written(store, 1);
    expect(textOf(slow.doc)).toBe('one two ');
    // …so when the reader starts lagging at the third, its catch-up must still carry the third.
    slow.bufferedBytes = LAGGING_ABOVE + 1;
    await written(store, 1);
    expect(textOf(slow.doc)).toBe('one two ');
    slow.drain();
    await settled();
    expect(textOf(slow.doc)).toBe('one two three ');
  });

  it('[RL5] a reader queued past the watch mark but under the lag mark still gets every relay', async () => {
    const store = new GatedStore(createMemoryStore(), { holdAppends: false });
    const { room } = await setup(store);
    const slow = reader(room);
    const w = writer(room, 7);
    await settled();
    slow.bufferedBytes = WATCH_ABOVE + 1;
    const updatesBefore = slow.updates;
    for (let i = 0; i < 5; i++) {
      w.type(0, `${i}`);
      await settled();
    }
    expect(slow.updates).toBe(updatesBefore + 5);
    expect(slow.waitsForDrain).toBe(false);
  });

  type Step =
    | { k: 'type'; who: number; at: number; chars: string }
    | { k: 'erase'; who: number; at: number; length: number }
    | { k: 'queue'; reader: number; bytes: number }
    | { k: 'drain'; reader: number }
    | { k: 'write'; batches: number }
    | { k: 'turn' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ k: fc.constant('type' as const), who: fc.nat(1), at: fc.nat(40), chars: fc.string({ minLength: 1, maxLength: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('erase' as const), who: fc.nat(1), at: fc.nat(40), length: fc.integer({ min: 1, max: 5 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('queue' as const),
        reader: fc.nat(1),
        bytes: fc.constantFrom(0, WATCH_ABOVE + 1, LAGGING_ABOVE + 1),
      }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('drain' as const), reader: fc.nat(1) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('write' as const), batches: fc.constantFrom(1, 2, Infinity) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('turn' as const) }) },
  );

  it('[RL5] property: however readers lag and drain while changes wait to be written, every reader ends with the document', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        // Appends wait for a 'write' step (of the oldest batch, two, or all), so readers start lagging while
        // changes are applied but not durable, and relay flushes happen with later batches still unwritten.
        const store = new GatedStore(createMemoryStore());
        const { room } = await setup(store);
        const readers = [reader(room), reader(room)];
        const writers = [writer(room, 1), writer(room, 2)];
        for (const s of steps) {
          if (s.k === 'type') writers[s.who]!.type(s.at, s.chars);
          else if (s.k === 'erase') writers[s.who]!.erase(s.at, s.length);
          else if (s.k === 'queue') readers[s.reader]!.bufferedBytes = s.bytes;
          else if (s.k === 'drain') readers[s.reader]!.drain();
          else if (s.k === 'write') store.releaseAppends(s.batches);
          else await settled();
        }
        store.holdAppends = false;
        await written(store);
        for (const r of readers) r.drain();
        await settled();
        for (const r of readers) expect(textOf(r.doc)).toBe(textOf(room.doc));
      }),
      { numRuns: 300 },
    );
  });
});
