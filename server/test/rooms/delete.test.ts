/** [DEL4] The registry's side of a delete, with fake sockets over a memory store: deterministic. */
import { CloseCode } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../src/protocol/messages.js';
import type { PeerSocket } from '../../src/rooms/connection.js';
import { UnknownDocError, type DocStore } from '../../src/storage/doc-store.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { overriding } from '../hostile/support.js';
import { GatedStore } from '../support/gated-store.js';
import { testRegistry } from '../support/registry.js';

const ID = 'doc-to-delete';

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

function update(text: string, clientID: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

async function storeWithDoc(): Promise<DocStore> {
  const store = createMemoryStore();
  const now = new Date().toISOString();
  await store.create({ id: ID, createdAt: now, updatedAt: now, linkGeneration: 0 });
  return store;
}

describe('[DEL4] RoomRegistry.deleteDocument', () => {
  it('[DEL4] while the store deletes, peers’ updates are dropped; once it is durable their sockets get 4404', async () => {
    const inner = await storeWithDoc();
    let deleting = false;
    let release: () => void = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    const store = overriding(inner, {
      delete: async (id) => {
        deleting = true;
        await hold;
        await inner.delete(id);
      },
    });
    const registry = testRegistry(store, 10_000);
    const room = await registry.acquire(ID);
    const socket = new FakeSocket();
    const conn = room.join(socket, { scope: 'edit', generation: 0 })!;
    room.receive(conn, encodeSyncUpdate(update('before', 1)));
    const deleted = registry.deleteDocument(ID);
    await expect.poll(() => deleting).toBe(true);
    // Routes and new sockets see no document from the moment the delete began.
    expect(await registry.getMeta(ID)).toBeNull();
    await expect(registry.acquire(ID)).rejects.toBeInstanceOf(UnknownDocError);
    const logBefore = (await inner.load(ID))!.log.length;
    room.receive(conn, encodeSyncUpdate(update('during', 2)));
    expect(room.doc.getText('t').toString()).toBe('before');
    expect((await inner.load(ID))!.log.length).toBe(logBefore);
    expect(socket.closedWith).toBeNull();
    release();
    await deleted;
    expect(socket.closedWith).toEqual({ code: CloseCode.DocumentDeleted, reason: 'document deleted' });
    expect(await inner.getMeta(ID)).toBeNull();
    await expect(registry.deleteDocument(ID)).rejects.toBeInstanceOf(UnknownDocError);
  });

  it('[DEL4] a document still loading when the delete comes never opens', async () => {
    const store = new GatedStore(await storeWithDoc(), { holdAppends: false });
    const registry = testRegistry(store, 10_000);
    store.holdLoads(ID);
    const acquiring = registry.acquire(ID);
    const deleted = registry.deleteDocument(ID);
    store.releaseLoads();
    await expect(acquiring).rejects.toBeInstanceOf(UnknownDocError);
    await deleted;
    expect(registry.peek(ID)).toBeUndefined();
    expect(await store.getMeta(ID)).toBeNull();
  });

  it('[DEL4] another instance’s delete (forgetDeleted) closes the sockets here with 4404 and writes nothing', async () => {
    const inner = await storeWithDoc();
    const registry = testRegistry(inner, 10_000);
    const room = await registry.acquire(ID);
    const socket = new FakeSocket();
    room.join(socket, { scope: 'view', generation: 0 });
    // The other instance deleted it from the shared store, then told us.
    await inner.delete(ID);
    registry.forgetDeleted(ID);
    await expect.poll(() => socket.closedWith?.code).toBe(CloseCode.DocumentDeleted);
    await expect.poll(() => registry.peek(ID)).toBeUndefined();
    expect(await inner.getMeta(ID)).toBeNull();
    expect(await registry.getMeta(ID)).toBeNull();
  });
});
