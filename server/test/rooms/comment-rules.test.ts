/**
 * [CM2][CM3][L9] The comment rules where a room applies updates (fake sockets, memory store): a refused update
 * is not applied and closes its socket (4403 for the scope, 1008 for a shape); misshapen changes Yjs holds back
 * are dropped when an update would let them in, and the update itself still applies.
 */
import { COMMENTS_MAP } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMetrics } from '../../src/metrics.js';
import { encodeAwareness, encodeAwarenessEntries, encodeSyncUpdate } from '../../src/protocol/messages.js';
import type { PeerSocket } from '../../src/rooms/connection.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { addThread, captureUpdate, threadOf } from '../comments/support.js';
import { testRegistry } from '../support/registry.js';

class FakeSocket implements PeerSocket {
  closedWith: { code: number; reason: string } | null = null;
  get isOpen() {
    return this.closedWith === null;
  }
  send() {}
  close(code: number, reason: string) {
    this.closedWith ??= { code, reason };
  }
}

async function setup() {
  const store = createMemoryStore();
  const metrics = createMetrics();
  const now = new Date().toISOString();
  await store.create({ id: 'doc-comments', createdAt: now, updatedAt: now, linkGeneration: 0 });
  const registry = testRegistry(store, 10, metrics);
  const room = await registry.acquire('doc-comments');
  const refusals = async (reason: string) => (await metrics.updateRefusals.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
  return { room, refusals };
}

/** A connection of `scope` announcing `doc`'s client id in its awareness, as the stock client does on open. */
function joinAs(room: Awaited<ReturnType<typeof setup>>['room'], scope: 'edit' | 'comment', doc: Y.Doc) {
  const socket = new FakeSocket();
  const conn = room.join(socket, { scope, generation: 0 })!;
  room.receive(conn, encodeAwareness(encodeAwarenessEntries([{ clientId: doc.clientID, clock: 1, state: '{}' }])));
  return { socket, conn };
}

describe('the comment rules in a room', () => {
  it('[CM2] a comment connection’s thread applies; its text edit is refused with 4403 and not applied', async () => {
    const { room, refusals } = await setup();
    const carol = new Y.Doc();
    const { socket, conn } = joinAs(room, 'comment', carol);
    room.receive(conn, encodeSyncUpdate(captureUpdate(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }))));
    expect([...room.doc.getMap(COMMENTS_MAP).keys()]).toEqual(['t1']);
    room.receive(conn, encodeSyncUpdate(captureUpdate(carol, () => carol.getText('title').insert(0, 'mine'))));
    expect(socket.closedWith?.code).toBe(4403);
    expect(room.doc.getText('title').toString()).toBe('');
    expect(await refusals('outside_comments')).toBe(1);
  });

  it('[CM4] a comment connection writing under a client id it never announced is refused', async () => {
    const { room, refusals } = await setup();
    const carol = new Y.Doc();
    const socket = new FakeSocket();
    const conn = room.join(socket, { scope: 'comment', generation: 0 })!;
    room.receive(conn, encodeSyncUpdate(captureUpdate(carol, () => addThread(carol, 't1', { id: 'c1', author: 'Carol', body: 'hi' }))));
    expect(socket.closedWith?.code).toBe(4403);
    expect(room.doc.share.has(COMMENTS_MAP)).toBe(false);
    expect(await refusals('foreign_client')).toBe(1);
  });

  it('[CM3][L9] a misshapen change held back is dropped when the change it waited for arrives; that change applies', async () => {
    const { room, refusals } = await setup();
    const bob = new Y.Doc();
    const first = captureUpdate(bob, () => addThread(bob, 't1', { id: 'c1', author: 'Bob', body: 'hi' }));
    const mallory = new Y.Doc();
    Y.applyUpdate(mallory, first);
    const bad = captureUpdate(mallory, () => threadOf(mallory, 't1').set('quote', 42));
    const m = joinAs(room, 'edit', mallory);
    room.receive(m.conn, encodeSyncUpdate(bad));
    // Held back: it waits for Bob's thread.
    expect(room.doc.store.pendingStructs).not.toBeNull();
    expect(m.socket.closedWith).toBeNull();
    const b = joinAs(room, 'edit', bob);
    room.receive(b.conn, encodeSyncUpdate(first));
    expect(b.socket.closedWith).toBeNull();
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(threadOf(room.doc, 't1').get('quote')).toBe('quoted text');
    expect(await refusals('held_back_shape')).toBe(1);
  });

  it('[CM3] an edit connection’s misshapen entry is refused with 1008 and not applied', async () => {
    const { room, refusals } = await setup();
    const alice = new Y.Doc();
    const { socket, conn } = joinAs(room, 'edit', alice);
    room.receive(conn, encodeSyncUpdate(captureUpdate(alice, () => alice.getMap(COMMENTS_MAP).set('t1', 'kept'))));
    expect(socket.closedWith?.code).toBe(1008);
    expect(room.doc.share.has(COMMENTS_MAP)).toBe(false);
    expect(await refusals('shape')).toBe(1);
  });
});
