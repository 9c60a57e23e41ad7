import { describe, expect, it } from 'vitest';
import type { PeerSocket } from '../../src/rooms/connection.js';
import type { RoomRegistry } from '../../src/rooms/registry.js';
import { testRegistry } from '../support/registry.js';
import type { DocMeta, DocStore } from '../../src/storage/doc-store.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { GatedStore } from '../support/gated-store.js';
import { waitFor } from '../support/harness.js';

const ID = 'doc-meta-once';

/** A memory store holding one document, behind a gate that counts metadata reads and can hold loads and metadata writes. */
async function countingStore() {
  const inner = createMemoryStore();
  const now = new Date().toISOString();
  await inner.create({ id: ID, createdAt: now, updatedAt: now, linkGeneration: 0 });
  const store = new GatedStore(inner, { holdAppends: false });
  const release = () => {
    store.releaseLoads();
    store.releasePutMeta();
  };
  return { store, inner, release };
}

function registryOver(store: DocStore, idleMs = 10_000): RoomRegistry {
  return testRegistry(store, idleMs);
}

/** Resolves once every microtask queued so far has run (the memory store answers through promises only). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('RoomRegistry metadata reads', () => {
  it('[U1] a socket reads meta.json once: acquire uses the meta just read, getMeta during the load answers from it', async () => {
    const { store, release } = await countingStore();
    const registry = registryOver(store);
    const meta = await registry.getMeta(ID);
    expect(store.metaReads).toBe(1);
    store.holdLoads(ID);
    const first = registry.acquire(ID, meta!);
    // Siblings arriving while the document loads get the load's metadata at once, without a storage read.
    const siblings = await Promise.all(Array.from({ length: 4 }, () => registry.getMeta(ID)));
    expect(siblings.every((m) => m === meta)).toBe(true);
    release();
    const room = await first;
    expect(room.meta).toBe(meta);
    expect(store.metaReads).toBe(1);
    // Open: from memory.
    expect(await registry.getMeta(ID)).toBe(room.meta);
    // A load nobody read the metadata for reads it once, and shares it meanwhile.
    await registry.closeAll();
    const fresh = registryOver(store);
    store.holdLoads(ID);
    const loading = fresh.acquire(ID);
    const during = await Promise.all([fresh.getMeta(ID), fresh.getMeta(ID)]);
    expect(during[0]).toBe(during[1]);
    release();
    expect((await loading).meta).toBe(during[0]);
    expect(store.metaReads).toBe(2);
    await fresh.closeAll();
  });

  it('[U1] sockets arriving together share one metadata read; one that comes after a reset does not join it', async () => {
    const { store } = await countingStore();
    const registry = registryOver(store);
    // Five sockets of one link, all asking before the first read has answered: one read.
    const together = await Promise.all(Array.from({ length: 5 }, () => registry.getMeta(ID)));
    expect(store.metaReads).toBe(1);
    expect(together.every((m) => m === together[0])).toBe(true);
    // Answered: the next asker reads again (nothing is cached for a closed document).
    await registry.getMeta(ID);
    expect(store.metaReads).toBe(2);
    // A read under way when links are reset is not shared with anyone asking after the reset began.
    const before = registry.getMeta(ID);
    const reset = registry.putMeta({ ...together[0]!, linkGeneration: 1 });
    const during = registry.getMeta(ID);
    expect(store.metaReads).toBe(4);
    await Promise.all([before, reset, during]);
    expect((await registry.getMeta(ID))!.linkGeneration).toBe(1);
    expect(store.metaReads).toBe(5);
  });

  it('[R3][U3] a meta read before an unload is not used to reload: a rotation during the final write is kept', async () => {
    const { store, inner, release } = await countingStore();
    const registry = registryOver(store, 1);
    const stale: DocMeta = (await registry.getMeta(ID))!;
    const room = await registry.acquire(ID, stale);
    store.holdPutMeta = true;
    registry.release(room);
    // The idle unload starts and its final write is held.
    await waitFor(() => store.putMetaHeld > 0, 'the final write reaches storage', 2000);
    // Links are reset meanwhile (the unloading room's copy follows), then a socket that read the old metadata
    // before the unload acquires with it.
    const rotation = registry.putMeta({ ...stale, linkGeneration: 1 });
    const reopened = registry.acquire(ID, stale);
    await settled();
    store.holdPutMeta = false;
    release();
    await rotation;
    const next = await reopened;
    expect(next).not.toBe(room);
    expect(next.meta.linkGeneration).toBe(1);
    expect((await inner.getMeta(ID))!.linkGeneration).toBe(1);
    await registry.closeAll();
  });

  it('[R3] a meta read before links were reset is not used to load: the load reads storage', async () => {
    const { store } = await countingStore();
    const registry = registryOver(store);
    const stale = (await registry.getMeta(ID))!;
    await registry.putMeta({ ...stale, linkGeneration: 1 });
    const room = await registry.acquire(ID, stale);
    expect(room.meta.linkGeneration).toBe(1);
    expect(store.metaReads).toBe(2);
    // A meta read after the reset is used as is.
    await registry.closeAll();
    const again = registryOver(store);
    const fresh = (await again.getMeta(ID))!;
    expect((await again.acquire(ID, fresh)).meta).toBe(fresh);
    expect(store.metaReads).toBe(3);
    await again.closeAll();
  });

  it('[R3] links reset while the document loads: readers meanwhile get storage\'s metadata, not the load\'s', async () => {
    const { store, release } = await countingStore();
    const registry = registryOver(store);
    const meta = (await registry.getMeta(ID))!;
    store.holdLoads(ID);
    const loading = registry.acquire(ID, meta);
    expect(await registry.getMeta(ID)).toBe(meta);
    await registry.putMeta({ ...meta, linkGeneration: 1 });
    expect((await registry.getMeta(ID))!.linkGeneration).toBe(1);
    release();
    await loading;
    await registry.closeAll();
  });

  it('[U5] getMeta after a failed load reads storage again', async () => {
    const { inner } = await countingStore();
    const store = new (class extends GatedStore {
      override load(): Promise<null> {
        return Promise.reject(new Error('EIO'));
      }
    })(inner, { holdAppends: false });
    const registry = registryOver(store);
    const meta = await registry.getMeta(ID);
    const acquired = registry.acquire(ID, meta!);
    expect(await registry.getMeta(ID)).toBe(meta);
    await expect(acquired).rejects.toThrow('EIO');
    expect((await registry.getMeta(ID))?.id).toBe(ID);
    expect(store.metaReads).toBe(2);
  });
});

/** A socket that only records how it was closed. */
function closingSocket(): PeerSocket & { closedWith: number | null } {
  return {
    closedWith: null,
    get isOpen() {
      return this.closedWith === null;
    },
    send() {},
    close(code) {
      this.closedWith ??= code;
    },
  };
}

describe('RoomRegistry link rotation and events', () => {
  it('[R3] rotateLinks saves the next generation and closes the open sockets of older ones with 4401', async () => {
    const { store, inner, release } = await countingStore();
    const registry = registryOver(store);
    const meta = (await registry.getMeta(ID))!;
    const room = await registry.acquire(ID, meta);
    const old = closingSocket();
    room.join(old, { scope: 'edit', generation: 0 });
    store.holdPutMeta = true;
    const rotating = registry.rotateLinks(meta);
    // A socket holding a new link joins while the metadata is being written: it stays.
    const fresh = closingSocket();
    room.join(fresh, { scope: 'view', generation: 1 });
    store.holdPutMeta = false;
    release();
    const next = await rotating;
    expect(next.linkGeneration).toBe(1);
    expect((await inner.getMeta(ID))!.linkGeneration).toBe(1);
    expect(room.meta.linkGeneration).toBe(1);
    expect(old.closedWith).toBe(4401);
    expect(fresh.closedWith).toBeNull();
    registry.release(room);
    await registry.closeAll();
    // A document nobody has open is rotated in storage alone.
    expect((await registryOver(store).rotateLinks(next)).linkGeneration).toBe(2);
    expect((await inner.getMeta(ID))!.linkGeneration).toBe(2);
  });

  it('[U4] reports each load and unload with the open count, and whether nothing is open or loading', async () => {
    const { store } = await countingStore();
    const registry = registryOver(store, 1);
    const events: string[] = [];
    registry.on('loaded', (open) => events.push(`loaded ${open}`));
    const off = registry.on('unloaded', (open) => events.push(`unloaded ${open}`));
    expect(registry.isEmpty).toBe(true);
    const acquiring = registry.acquire(ID);
    expect(registry.isEmpty).toBe(false);
    const room = await acquiring;
    registry.release(room);
    await waitFor(() => events.length >= 2, 'the idle room unloads', 2000);
    expect(events).toEqual(['loaded 1', 'unloaded 0']);
    expect(registry.isEmpty).toBe(true);
    off();
    registry.release(await registry.acquire(ID));
    await registry.closeAll();
    expect(events).toEqual(['loaded 1', 'unloaded 0', 'loaded 1']);
  });
});
