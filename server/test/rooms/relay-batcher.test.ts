import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { decodeClientMessage } from '../../src/protocol/messages.js';
import { MAX_UPDATES_PER_FRAME, RelayBatcher, REMOTE, type RelayPeers } from '../../src/rooms/relay-batcher.js';

/** Peers named by strings; records the frames each one receives (decoded to their update). */
class FakePeers implements RelayPeers {
  readonly received = new Map<string, Uint8Array[]>();
  constructor(names: string[]) {
    for (const name of names) this.received.set(name, []);
  }
  broadcast = (frame: Uint8Array, except: unknown): void => {
    const message = decodeClientMessage(frame);
    if (message.kind !== 'sync-update') throw new Error(`relayed a ${message.kind}`);
    for (const [name, frames] of this.received) if (name !== except) frames.push(message.update);
  };
  reaches(except: unknown): boolean {
    return [...this.received.keys()].some((name) => name !== except);
  }
  frames(name: string): Uint8Array[] {
    return this.received.get(name)!;
  }
}

/** `count` updates of one author typing `text` forward, one character per update. */
function typing(clientID: number, count: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('t');
  for (let i = 0; i < count; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));
  return updates;
}

/** Applies `updates` in order to a fresh doc; throws if any of them had to wait for a later one. */
function replay(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) {
    Y.applyUpdate(doc, update);
    expect(doc.store.pendingStructs).toBeNull();
  }
  return doc;
}

/** Relays every item in one batch (one run of microtasks) and waits for the flush. */
async function relayBatch(batcher: RelayBatcher, items: { update: Uint8Array; origin: unknown }[]): Promise<void> {
  for (const { update, origin } of items) batcher.relay(update, origin);
  await Promise.resolve();
}

const sameDoc = (a: Y.Doc, b: Y.Doc) => {
  expect(a.getText('t').toString()).toBe(b.getText('t').toString());
  expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
};

describe('RelayBatcher', () => {
  it('[RL1] a large batch goes out as several frames of bounded merges, in order: a peer applying them ends with the same document', async () => {
    const peers = new FakePeers(['author', 'other']);
    const merge = vi.fn(Y.mergeUpdates);
    const batcher = new RelayBatcher(peers, { merge });
    const updates = typing(1, 1_000);
    await relayBatch(batcher, updates.map((update) => ({ update, origin: 'author' })));
    const frames = peers.frames('other');
    expect(frames).toHaveLength(Math.ceil(1_000 / MAX_UPDATES_PER_FRAME));
    for (const [inputs] of merge.mock.calls) expect(inputs.length).toBeLessThanOrEqual(MAX_UPDATES_PER_FRAME);
    // Each frame applies on top of the ones before it (replay checks nothing waits for a later frame).
    sameDoc(replay(frames), replay(updates));
    // A single author's chunks never go back to it.
    expect(peers.frames('author')).toEqual([]);
  });

  it('[RL1] chunks with several authors reach their authors too; chunks of one author skip it; every peer converges', async () => {
    const peers = new FakePeers(['a', 'b', 'c']);
    const batcher = new RelayBatcher(peers, { maxUpdates: 4 });
    const fromA = typing(1, 10);
    const fromB = typing(2, 3);
    // a×4 | a×4 | a, a, b, b | b (then nothing): chunk 1 and 2 are a's alone, chunk 3 mixed, chunk 4 b's alone.
    const items = [
      ...fromA.slice(0, 10).map((update) => ({ update, origin: 'a' })),
      ...fromB.map((update) => ({ update, origin: 'b' })),
    ];
    await relayBatch(batcher, items);
    expect(peers.frames('c')).toHaveLength(4);
    expect(peers.frames('a')).toHaveLength(2); // the mixed chunk and b's
    expect(peers.frames('b')).toHaveLength(3); // a's two, the mixed one
    const everything = replay(items.map((item) => item.update));
    sameDoc(replay(peers.frames('c')), everything);
    sameDoc(replay([...fromA, ...peers.frames('a')]), everything);
    sameDoc(replay([...fromB, ...peers.frames('b')]), everything);
  });

  it('[RL1] nothing is merged or encoded when nobody would receive it: no peer, or the author alone', async () => {
    const merge = vi.fn(Y.mergeUpdates);
    const alone = new FakePeers(['author']);
    const broadcast = vi.spyOn(alone, 'broadcast');
    const batcher = new RelayBatcher(alone, { merge });
    await relayBatch(batcher, typing(1, 500).map((update) => ({ update, origin: 'author' })));
    const empty = new FakePeers([]);
    const emptyBroadcast = vi.spyOn(empty, 'broadcast');
    const remoteOnly = new RelayBatcher(empty, { merge });
    await relayBatch(remoteOnly, typing(2, 500).map((update) => ({ update, origin: REMOTE })));
    expect(merge).not.toHaveBeenCalled();
    expect(broadcast).not.toHaveBeenCalled();
    expect(emptyBroadcast).not.toHaveBeenCalled();
  });

  it('[RL1] a chunk holds at most maxBytes of updates; a larger update goes out alone, unmerged', async () => {
    const peers = new FakePeers(['author', 'other']);
    const merge = vi.fn(Y.mergeUpdates);
    const batcher = new RelayBatcher(peers, { merge, maxBytes: 200 });
    const small = typing(1, 12);
    const big = new Y.Doc();
    big.clientID = 2;
    big.getText('t').insert(0, 'x'.repeat(1_000));
    const large = Y.encodeStateAsUpdate(big);
    const items = [...small.slice(0, 6), large, ...small.slice(6)].map((update) => ({ update, origin: 'author' }));
    await relayBatch(batcher, items);
    const frames = peers.frames('other');
    expect(frames).toContainEqual(large);
    for (const [inputs] of merge.mock.calls) {
      expect(inputs).not.toContain(large);
      expect(inputs.reduce((sum, u) => sum + u.byteLength, 0)).toBeLessThanOrEqual(200);
    }
    sameDoc(replay(frames), replay(items.map((item) => item.update)));
  });

  it('[CL1] local updates are published in chunks, even with no peer here; updates from other instances are not', async () => {
    const published: Uint8Array[] = [];
    const batcher = new RelayBatcher(new FakePeers([]), { maxUpdates: 8 });
    batcher.publishTo({ publishUpdate: (update) => published.push(update) });
    const local = typing(1, 20);
    const remote = typing(2, 5);
    await relayBatch(batcher, [
      ...local.slice(0, 10).map((update) => ({ update, origin: 'peer' })),
      ...remote.map((update) => ({ update, origin: REMOTE })),
      ...local.slice(10).map((update) => ({ update, origin: 'peer' })),
    ]);
    expect(published).toHaveLength(3);
    sameDoc(replay(published), replay(local));
  });

  it('[D6] relays nothing once stopped', async () => {
    const peers = new FakePeers(['a', 'b']);
    const batcher = new RelayBatcher(peers);
    batcher.stop();
    await relayBatch(batcher, typing(1, 3).map((update) => ({ update, origin: 'a' })));
    expect(peers.frames('b')).toEqual([]);
  });
});
