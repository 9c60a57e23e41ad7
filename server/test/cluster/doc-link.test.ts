/**
 * A document opening in cluster mode [CL2], with the bus faked so the test decides when another instance's
 * message arrives: the channel is subscribed before the store is read, and what arrives while the document
 * loads waits, then applies — without being stored again [CL1] — before the sync request goes out.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ChannelHandler, ClusterBus } from '../../src/cluster/redis-bus.js';
import type { ClusterMessage } from '../../src/cluster/wire.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { encodeAwarenessEntries } from '../../src/protocol/messages.js';
import { RoomRegistry } from '../../src/rooms/registry.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { GatedStore } from '../support/gated-store.js';
import { waitFor } from '../support/harness.js';

const ID = 'doc-cluster-link';

/** A bus that records what is published and lets the test speak for the other instances. */
class FakeBus implements ClusterBus {
  readonly instanceId = 'this-instance';
  readonly ready = true;
  readonly handlers = new Map<string, ChannelHandler>();
  readonly published: ClusterMessage[] = [];

  async join(docId: string, handler: ChannelHandler): Promise<void> {
    this.handlers.set(docId, handler);
  }

  leave(docId: string): void {
    this.handlers.delete(docId);
  }

  publish(_docId: string, message: ClusterMessage): void {
    this.published.push(message);
  }

  async close(): Promise<void> {}
}

function updateInserting(text: string, clientID: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('opening a document in cluster mode [CL2]', () => {
  it('[CL2][CL1] subscribes before reading the store; what arrives during the load applies once it is loaded, unstored, then the sync request goes out', async () => {
    const inner = createMemoryStore();
    const now = new Date().toISOString();
    await inner.create({ id: ID, createdAt: now, updatedAt: now, linkGeneration: 0 });
    await inner.append(ID, updateInserting('stored;', 1));
    const store = new GatedStore(inner, { holdAppends: false });
    const bus = new FakeBus();
    const registry = new RoomRegistry({
      store,
      cluster: bus,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      idleMs: 10_000,
      limits: { maxDocBytes: 1 << 20, maxConnectionsPerDoc: 5, maxMessagesPerSecond: 1000, compactAfterBytes: 1 << 20 },
    });
    store.holdLoads(ID);
    const opening = registry.acquire(ID);
    await waitFor(() => store.loadsHeld === 1, 'the store read is under way');
    const channel = bus.handlers.get(ID);
    expect(channel, 'subscribed before the store is read').toBeDefined();
    // Another instance appends and publishes while this one is still reading the store.
    channel!.message({ kind: 'update', from: 'other-instance', update: updateInserting('remote;', 2) });
    channel!.message({ kind: 'awareness', from: 'other-instance', update: encodeAwarenessEntries([{ clientId: 2, clock: 1, state: '{"n":"r"}' }]) });
    expect(bus.published).toEqual([]);
    store.releaseLoads();
    const room = await opening;
    expect(room.doc.getText('t').toString()).toContain('remote;');
    expect(room.doc.getText('t').toString()).toContain('stored;');
    expect(room.awareness.getStates().get(2)).toEqual({ n: 'r' });
    // Not stored again here: the other instance appended it before publishing.
    expect((await inner.load(ID))!.log).toHaveLength(1);
    // Then the sync request, with a state vector that already covers the early update.
    const request = bus.published.find((m) => m.kind === 'sync-request');
    expect(request).toBeDefined();
    expect(Y.decodeStateVector((request as { stateVector: Uint8Array }).stateVector).get(2)).toBe(7);
    registry.release(room);
    await registry.closeAll();
  });
});
