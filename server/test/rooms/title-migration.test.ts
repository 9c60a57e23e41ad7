import { LEGACY_META_MAP, LEGACY_TITLE_KEY, TITLE_TEXT, initialState } from '@tandem/common';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeClientMessage } from '../../src/protocol/messages.js';
import type { PeerSocket } from '../../src/rooms/connection.js';
import type { RoomRegistry } from '../../src/rooms/registry.js';
import { testRegistry } from '../support/registry.js';
import { titleMigration } from '../../src/rooms/title-migration.js';
import { recordList, type DocStore } from '../../src/storage/doc-store.js';
import { createMemoryStore, createMemoryStoreData } from '../../src/storage/memory-store.js';

const ID = 'doc-legacy01';
const CREATED = '2024-01-02T03:04:05.000Z';

/** A document as the old server seeded it: the seed paragraph, the title a string in the `meta` map. */
function legacyState(title: string): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, initialState());
  doc.getMap(LEGACY_META_MAP).set(LEGACY_TITLE_KEY, title);
  return Y.encodeStateAsUpdate(doc);
}

const docFrom = (...updates: Uint8Array[]) => {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
};

const titleOf = (doc: Y.Doc) => doc.getText(TITLE_TEXT).toString();
const hasLegacyKey = (doc: Y.Doc) => doc.getMap(LEGACY_META_MAP).has(LEGACY_TITLE_KEY);

/** A store holding the legacy document `ID`, and the registry of one instance over it. */
async function legacyStore(title: string, data = createMemoryStoreData()) {
  const store = createMemoryStore(data);
  if (!data.has(ID)) {
    await store.create({ id: ID, createdAt: CREATED, updatedAt: CREATED, linkGeneration: 0 });
    await store.append(ID, legacyState(title));
  }
  return store;
}

function instance(store: DocStore, idleMs = 1_000): RoomRegistry {
  return testRegistry(store, idleMs);
}

const stored = async (store: DocStore) => {
  const loaded = (await store.load(ID))!;
  return { doc: docFrom(...(loaded.snapshot ? [loaded.snapshot] : []), ...loaded.log), records: loaded.log.length };
};

describe('titleMigration', () => {
  it('[U6] moves the legacy string into the title text and deletes the key, in one update', () => {
    const doc = docFrom(legacyState('Meeting notes'));
    const update = titleMigration(ID, doc)!;
    expect(update).toBeInstanceOf(Uint8Array);
    Y.applyUpdate(doc, update);
    expect(titleOf(doc)).toBe('Meeting notes');
    expect(hasLegacyKey(doc)).toBe(false);
    // The content paragraph is untouched, and nothing is left to migrate.
    expect(doc.getXmlFragment('default').toJSON()).toBe('<paragraph></paragraph>');
    expect(titleMigration(ID, doc)).toBeNull();
  });

  it('[U6] two instances migrating the same stored state produce the identical update: the title appears once', () => {
    const state = legacyState('Meeting notes');
    const one = titleMigration(ID, docFrom(state))!;
    const two = titleMigration(ID, docFrom(state))!;
    expect(two).toEqual(one);
    // Both reach a third replica (e.g. one from each instance, in either order): Yjs integrates the insert once.
    for (const order of [[one, two], [two, one]]) {
      const replica = docFrom(state, ...order);
      expect(titleOf(replica)).toBe('Meeting notes');
      expect(hasLegacyKey(replica)).toBe(false);
    }
    // What makes it so: the same client id from clock 0. Inserting under each doc's own random id would double it.
    const naive = () => {
      const doc = docFrom(state);
      const before = Y.encodeStateVector(doc);
      doc.getText(TITLE_TEXT).insert(0, 'Meeting notes');
      return Y.encodeStateAsUpdate(doc, before);
    };
    expect(titleOf(docFrom(state, naive(), naive()))).toBe('Meeting notesMeeting notes');
  });

  it('[U6] the client id depends on the document, and migrations of different legacy values still converge', () => {
    const state = legacyState('Plan');
    expect(titleMigration('doc-other001', docFrom(state))).not.toEqual(titleMigration(ID, docFrom(state)));
    // Two replicas that saw different legacy writes (made concurrently by old clients) migrate differently:
    // never the same ids for different content, so every replica ends up with the same text.
    const base = docFrom(state);
    const a = docFrom(Y.encodeStateAsUpdate(base));
    const b = docFrom(Y.encodeStateAsUpdate(base));
    a.getMap(LEGACY_META_MAP).set(LEGACY_TITLE_KEY, 'Plan A');
    b.getMap(LEGACY_META_MAP).set(LEGACY_TITLE_KEY, 'Plan B');
    const ma = titleMigration(ID, a)!;
    const mb = titleMigration(ID, b)!;
    Y.applyUpdate(a, ma);
    Y.applyUpdate(b, mb);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(titleOf(a)).toBe(titleOf(b));
    expect(titleOf(a).length).toBeGreaterThan(0);
  });

  it('[U6] changes nothing when the title text has content, the key is absent, or it holds no string', () => {
    const current = docFrom(initialState('New layout'));
    expect(titleMigration(ID, current)).toBeNull();
    expect(titleMigration(ID, docFrom(initialState()))).toBeNull();
    const both = docFrom(legacyState('Old'));
    both.getText(TITLE_TEXT).insert(0, 'Already here');
    expect(titleMigration(ID, both)).toBeNull();
    const odd = docFrom(initialState());
    odd.getMap(LEGACY_META_MAP).set(LEGACY_TITLE_KEY, 42);
    expect(titleMigration(ID, odd)).toBeNull();
    // An empty legacy string still goes: the key is deleted, nothing is inserted.
    const empty = docFrom(legacyState(''));
    Y.applyUpdate(empty, titleMigration(ID, empty)!);
    expect(hasLegacyKey(empty)).toBe(false);
    expect(titleOf(empty)).toBe('');
  });
});

/** A socket that records the frames the room sends it. */
class FakeSocket implements PeerSocket {
  sent: Uint8Array[] = [];
  readonly isOpen = true;
  send(data: Uint8Array) {
    this.sent.push(data);
  }
  close() {}
}

describe('a legacy document loading', () => {
  it('[U6][D1] is migrated once on load: appended before anything reaches a peer, updatedAt kept, and a reload migrates nothing', async () => {
    const store = await legacyStore('Meeting notes');
    const peer = (await stored(store)).doc; // a replica of the stored legacy document
    expect(hasLegacyKey(peer)).toBe(true);
    // Appends wait until the test opens the gate: nothing may reach a peer before the migration is durable.
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const appended: Uint8Array[] = [];
    const gated: DocStore = { ...store, append: (id, u) => gate.then(() => (appended.push(...recordList(u)), store.append(id, u))) };
    const registry = instance(gated, 5);
    const room = await registry.acquire(ID);
    expect(titleOf(room.doc)).toBe('Meeting notes');
    expect(hasLegacyKey(room.doc)).toBe(false);

    const socket = new FakeSocket();
    room.join(socket, { scope: 'view', generation: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(socket.sent).toEqual([]); // [D1] neither the migration nor our state vector, which covers it
    openGate();
    await expect.poll(() => socket.sent.length).toBe(2);
    // Once durable: the migration relayed like any change, then our state vector [H2].
    const [relayed, greeting] = socket.sent.map((frame) => decodeClientMessage(frame));
    expect(greeting!.kind).toBe('sync-step1');
    expect(relayed!.kind).toBe('sync-update');
    if (relayed!.kind === 'sync-update') Y.applyUpdate(peer, relayed!.update);
    expect(titleOf(peer)).toBe('Meeting notes');
    expect(hasLegacyKey(peer)).toBe(false);
    expect(appended).toHaveLength(1);
    expect(room.meta.updatedAt).toBe(CREATED);

    room.leave([...room.connections][0]!);
    registry.release(room);
    await expect.poll(() => registry.size).toBe(0);
    const after = await stored(store);
    expect(titleOf(after.doc)).toBe('Meeting notes');
    expect(hasLegacyKey(after.doc)).toBe(false);
    expect((await store.getMeta(ID))!.updatedAt).toBe(CREATED);

    // A reload finds nothing to move: no append, the title still once.
    const again = await registry.acquire(ID);
    expect(titleOf(again.doc)).toBe('Meeting notes');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(appended).toHaveLength(1);
    registry.release(again);
  });

  it('[U6] two instances loading the same legacy document at once each migrate it; the title is stored once', async () => {
    const data = createMemoryStoreData();
    const storeA = await legacyStore('Meeting notes', data);
    const storeB = await legacyStore('Meeting notes', data);
    const [a, b] = [instance(storeA), instance(storeB)];
    const [roomA, roomB] = await Promise.all([a.acquire(ID), b.acquire(ID)]);
    expect(titleOf(roomA.doc)).toBe('Meeting notes');
    expect(titleOf(roomB.doc)).toBe('Meeting notes');
    await expect.poll(async () => (await stored(storeA)).records).toBe(3); // the seed + one migration from each
    const both = await stored(storeA);
    expect(titleOf(both.doc)).toBe('Meeting notes');
    expect(hasLegacyKey(both.doc)).toBe(false);
    // Each instance hearing the other's migration (cluster relay) changes nothing either.
    Y.applyUpdate(roomA.doc, Y.encodeStateAsUpdate(roomB.doc));
    expect(titleOf(roomA.doc)).toBe('Meeting notes');
    a.release(roomA);
    b.release(roomB);
    await Promise.all([a.closeAll(), b.closeAll()]);
  });
});
