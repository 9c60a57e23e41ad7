import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import {
  decodeAwarenessUpdate,
  decodeClientMessage,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  type AwarenessEntry,
} from '../../src/protocol/messages.js';
import type { PeerSocket } from '../../src/rooms/connection.js';
import { RoomRegistry } from '../../src/rooms/registry.js';
import { MAX_HELD_PRESENCE } from '../../src/rooms/room.js';
import { testRegistry } from '../support/registry.js';
import type { DocStore } from '../../src/storage/doc-store.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { GatedStore } from '../support/gated-store.js';
import { waitFor } from '../support/harness.js';
import { createLogger } from '../../src/logger.js';
import { recordList } from '../../src/storage/doc-store.js';

/** A socket that records what the room sends; frames are decoded as if the server were a client. */
class FakeSocket implements PeerSocket {
  sent: Uint8Array[] = [];
  /** What reached the wire, write by write: a frame sent uncorked is one write, a corked run one write at uncork. */
  writes: Uint8Array[][] = [];
  private corkedFrames: Uint8Array[] | null = null;
  closedWith: { code: number; reason: string } | null = null;
  get isOpen() {
    return this.closedWith === null;
  }
  send(data: Uint8Array) {
    this.sent.push(data);
    if (this.corkedFrames) this.corkedFrames.push(data);
    else this.writes.push([data]);
  }
  cork() {
    this.corkedFrames ??= [];
  }
  uncork() {
    if (this.corkedFrames?.length) this.writes.push(this.corkedFrames);
    this.corkedFrames = null;
  }
  close(code: number, reason: string) {
    this.closedWith ??= { code, reason };
  }
  /** Sync updates/step2 payloads received, applied to a doc for inspection. */
  docText(): string {
    const doc = new Y.Doc();
    for (const frame of this.sent) {
      if (frame[0] !== 0) continue;
      const m = decodeClientMessage(frame);
      if (m.kind === 'sync-update' || m.kind === 'sync-step2') Y.applyUpdate(doc, m.update);
    }
    return doc.getText('t').toString();
  }
  /** The awareness entries of every awareness frame received since frame `from`. */
  awarenessSince(from: number): AwarenessEntry[] {
    return this.sent
      .slice(from)
      .map((frame) => decodeClientMessage(frame))
      .flatMap((m) => (m.kind === 'awareness' ? decodeAwarenessUpdate(m.update) : []));
  }
}

/**
 * Resolves once every microtask queued so far has run. The memory store and the room answer through promises
 * only (no timers), so this is the point where anything the room would do on its own has been done.
 */
const settled = () => new Promise((resolve) => setImmediate(resolve));

function update(text: string, clientID: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A registry over `store` holding one fresh document `id`. */
async function registryWithDoc(store: DocStore, id: string, idleMs = 10, metrics: Metrics = createMetrics()): Promise<RoomRegistry> {
  const now = new Date().toISOString();
  await store.create({ id, createdAt: now, updatedAt: now, linkGeneration: 0 });
  return testRegistry(store, idleMs, metrics);
}

async function setup(store: DocStore = createMemoryStore()) {
  const metrics = createMetrics();
  const registry = await registryWithDoc(store, 'doc-aaaaaaaa', 10, metrics);
  const room = await registry.acquire('doc-aaaaaaaa');
  return { registry, room, store, metrics };
}

const awareness = (...entries: AwarenessEntry[]) => encodeAwareness(encodeAwarenessEntries(entries));

describe('Room with fake sockets', () => {
  it('[D1] nothing is relayed before its append has completed', async () => {
    const gated = new GatedStore(createMemoryStore());
    const { room } = await setup(gated);
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(b, { scope: 'edit', generation: 0 });
    room.receive(ca, encodeSyncUpdate(update('hi', 1)));
    await settled();
    expect(b.docText()).toBe('');
    expect(gated.pendingAppends).toBe(1);
    gated.releaseAppends();
    await waitFor(() => b.docText() === 'hi', 'the update is relayed once appended');
    // [RL1] never echoed to its sender
    expect(a.docText()).toBe('');
  });

  it('[RL1] the updates of one append batch reach each peer as one merged frame (authors get theirs back inside it)', async () => {
    const gated = new GatedStore(createMemoryStore());
    const { room } = await setup(gated);
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    const cb = room.join(b, { scope: 'edit', generation: 0 })!;
    room.join(c, { scope: 'edit', generation: 0 });
    await waitFor(() => [a, b, c].every((s) => s.sent.length === 1), 'each peer got the join-time step1');
    const sentBefore = [a, b, c].map((s) => s.sent.length);
    room.receive(ca, encodeSyncUpdate(update('A1', 11)));
    room.receive(cb, encodeSyncUpdate(update('B', 12)));
    room.receive(ca, encodeSyncUpdate(update('A2', 13)));
    // [L11] The three changes of this turn reach storage as one append.
    await settled();
    expect(gated.pendingAppends).toBe(3);
    gated.releaseAppends();
    await waitFor(() => [a, b, c].every((s, i) => s.sent.length > sentBefore[i]!), 'the batch is relayed');
    await settled();
    const relayed = [a, b, c].map((s, i) => s.sent.slice(sentBefore[i]).map((f) => decodeClientMessage(f)));
    for (const frames of relayed) expect(frames.map((f) => f.kind)).toEqual(['sync-update']);
    const clientsIn = (frames: ReturnType<typeof decodeClientMessage>[]) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (frames[0] as { update: Uint8Array }).update);
      return [...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()].sort();
    };
    for (const frames of relayed) expect(clientsIn(frames)).toEqual([11, 12, 13]);
    // A batch from one author alone still skips that author.
    const sentAgain = [a, b, c].map((s) => s.sent.length);
    room.receive(ca, encodeSyncUpdate(update('A3', 14)));
    room.receive(ca, encodeSyncUpdate(update('A4', 15)));
    await settled();
    gated.releaseAppends();
    await waitFor(() => b.sent.length > sentAgain[1]!, 'the single-author batch is relayed');
    await settled();
    expect(a.sent.length).toBe(sentAgain[0]);
    expect(b.sent.length).toBe(sentAgain[1]! + 1);
    expect(c.sent.length).toBe(sentAgain[2]! + 1);
  });

  it('[H3] a newcomer with nothing gets the stored snapshot as it is while the document is unchanged', async () => {
    const store = createMemoryStore();
    const registry = await registryWithDoc(store, 'doc-bbbbbbbb');
    await store.append('doc-bbbbbbbb', update('saved', 21));
    let snapshot: Uint8Array | null = null;
    await store.compact('doc-bbbbbbbb', () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, update('saved', 21));
      return (snapshot = Y.encodeStateAsUpdate(doc));
    });
    const room = await registry.acquire('doc-bbbbbbbb');
    const a = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.receive(ca, encodeSyncStep1(new Uint8Array([0])));
    const step2of = (s: FakeSocket) => s.sent.map((f) => decodeClientMessage(f)).find((m) => m.kind === 'sync-step2');
    await waitFor(() => step2of(a) !== undefined, 'the step1 is answered');
    const step2 = step2of(a) as { update: Uint8Array };
    expect(Buffer.from(step2.update).equals(Buffer.from(snapshot!))).toBe(true);
    // Once the document changes, the answer is encoded from the live document again.
    room.receive(ca, encodeSyncUpdate(update('!', 22)));
    const b = new FakeSocket();
    const cb = room.join(b, { scope: 'edit', generation: 0 })!;
    room.receive(cb, encodeSyncStep1(new Uint8Array([0])));
    await waitFor(() => step2of(b) !== undefined, 'the second step1 is answered');
    expect(b.docText()).toBe('saved!');
  });

  it('[L11] the changes of one turn go to storage as one append and one history append; the next turn is another', async () => {
    const inner = createMemoryStore();
    const calls: string[] = [];
    const store: DocStore = {
      ...inner,
      append: (id, u) => (calls.push(`append ${recordList(u).length}`), inner.append(id, u)),
      appendHistory: (id, e) => (calls.push(`history ${recordList(e).length}`), inner.appendHistory(id, e)),
    };
    const now = new Date().toISOString();
    await store.create({ id: 'doc-dddddddd', createdAt: now, updatedAt: now, linkGeneration: 0 });
    const registry = new RoomRegistry({
      store,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      idleMs: 10,
      limits: { maxDocBytes: 1 << 20, maxConnectionsPerDoc: 5, maxMessagesPerSecond: 1000, compactAfterBytes: 1 << 20 },
      history: { idleMs: 600_000, maxIntervalMs: 600_000, thinAfterDays: 0 },
    });
    const room = await registry.acquire('doc-dddddddd');
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    const cb = room.join(b, { scope: 'edit', generation: 0 })!;
    await settled();
    calls.length = 0;
    for (let i = 0; i < 5; i++) room.receive(i % 2 ? cb : ca, encodeSyncUpdate(update(`x${i}`, 30 + i)));
    await waitFor(() => calls.length === 2, 'the turn is handed to storage');
    room.receive(ca, encodeSyncUpdate(update('next', 40)));
    await waitFor(() => a.docText().includes('next') || b.docText().includes('next'), 'the next turn is relayed');
    expect(calls).toEqual(['append 5', 'history 5', 'append 1', 'history 1']);
    // Every change has its own entry, stamped with its own sender, in order.
    const stored = await store.load('doc-dddddddd');
    expect(stored!.log).toHaveLength(6);
    expect(await store.readHistory('doc-dddddddd')).toHaveLength(6);
    const replica = new Y.Doc();
    for (const u of stored!.log) Y.applyUpdate(replica, u);
    const text = replica.getText('t').toString();
    for (const piece of ['x0', 'x1', 'x2', 'x3', 'x4', 'next']) expect(text).toContain(piece);
    room.leave(ca);
    room.leave(cb);
    registry.release(room);
  });

  it('[M2][L2] the empty update (a new client\'s step2) is taken as it is: no transaction, no append, never over the size limit', async () => {
    const store = createMemoryStore();
    const now = new Date().toISOString();
    await store.create({ id: 'doc-eeeeeeee', createdAt: now, updatedAt: now, linkGeneration: 0 });
    // One byte allowed: an empty document is at its limit, so anything the room judged by size would trip it.
    const registry = new RoomRegistry({
      store,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      idleMs: 10,
      limits: { maxDocBytes: 1, maxConnectionsPerDoc: 5, maxMessagesPerSecond: 1000, compactAfterBytes: 1 << 20 },
      history: { idleMs: 600_000, maxIntervalMs: 600_000, thinAfterDays: 0 },
    });
    const room = await registry.acquire('doc-eeeeeeee');
    const [editor, viewer] = [new FakeSocket(), new FakeSocket()];
    const ce = room.join(editor, { scope: 'edit', generation: 0 })!;
    const cv = room.join(viewer, { scope: 'view', generation: 0 })!;
    await settled();
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);
    const sentBefore = [editor.sent.length, viewer.sent.length];
    room.receive(ce, encodeSyncStep2(Y.encodeStateAsUpdate(new Y.Doc())));
    room.receive(cv, encodeSyncStep2(new Uint8Array([0, 0])));
    await settled();
    expect(transactions).toBe(0);
    expect([editor.closedWith, viewer.closedWith]).toEqual([null, null]);
    expect([editor.sent.length, viewer.sent.length]).toEqual(sentBefore);
    expect((await store.load('doc-eeeeeeee'))!.log).toHaveLength(0);
    // The same limit still refuses a real change.
    room.receive(ce, encodeSyncUpdate(update('x', 60)));
    await settled();
    expect(editor.closedWith?.code).toBe(1008);
    room.leave(ce);
    room.leave(cv);
    registry.release(room);
  });

  it('messages and bytes in and out are counted on every message and read when Prometheus scrapes', async () => {
    const { room, metrics } = await setup();
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(b, { scope: 'edit', generation: 0 });
    await settled();
    const frames = [encodeSyncUpdate(update('one', 51)), encodeSyncUpdate(update('two', 52)), encodeSyncStep1(new Uint8Array([0]))];
    for (const frame of frames) room.receive(ca, frame);
    await waitFor(() => b.docText().includes('two') && a.sent.length >= 3, 'relayed and answered');
    const value = async (name: string, kind?: string) =>
      (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) => kind === undefined || v.labels.kind === kind)?.value;
    expect(await value('tandem_messages_in_total', 'sync-update')).toBe(2);
    expect(await value('tandem_messages_in_total', 'sync-step1')).toBe(1);
    expect(await value('tandem_bytes_in_total')).toBe(frames.reduce((sum, f) => sum + f.byteLength, 0));
    const sent = [...a.sent, ...b.sent];
    expect(await value('tandem_messages_out_total')).toBe(sent.length);
    expect(await value('tandem_bytes_out_total')).toBe(sent.reduce((sum, f) => sum + f.byteLength, 0));
    // A second scrape reads the same totals (collect resets before it sets them).
    expect(await value('tandem_messages_in_total', 'sync-update')).toBe(2);
  });

  it('[RL4] presence waits for the edits received before it, then leaves with them in one write to each peer', async () => {
    const gated = new GatedStore(createMemoryStore());
    const { room } = await setup(gated);
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(b, { scope: 'edit', generation: 0 });
    await settled();
    const kinds = (frames: Uint8Array[]) => frames.map((f) => decodeClientMessage(f).kind);
    const cursor = (clock: number) => awareness({ clientId: 71, clock, state: JSON.stringify({ cursor: clock }) });
    const written = b.writes.length;
    // Turn 1: an edit and the cursor placed in it; turn 2: another edit and cursor.
    room.receive(ca, encodeSyncUpdate(update('one', 71)));
    room.receive(ca, cursor(1));
    await settled();
    room.receive(ca, encodeSyncUpdate(update('two', 72)));
    room.receive(ca, cursor(2));
    await settled();
    expect(gated.pendingAppends).toBe(2);
    expect(b.writes.length).toBe(written); // nothing yet: not the edits, not the cursors
    gated.releaseAppends(1);
    await waitFor(() => b.writes.length === written + 1, 'the first edit is relayed');
    await settled();
    // The first edit and its cursor in one write; the second cursor still waits for its edit.
    expect(b.writes.slice(written).map(kinds)).toEqual([['sync-update', 'awareness']]);
    expect(b.awarenessSince(b.sent.length - 1).map((e) => e.clock)).toEqual([1]);
    gated.releaseAppends();
    await waitFor(() => b.writes.length === written + 2, 'the second edit is relayed');
    expect(kinds(b.writes[written + 1]!)).toEqual(['sync-update', 'awareness']);
    expect(b.docText()).toContain('two');
    // With nothing waiting to be written, presence goes out at once, on its own.
    room.receive(ca, cursor(3));
    expect(kinds(b.writes.at(-1)!)).toEqual(['awareness']);
    expect(b.writes.length).toBe(written + 3);
    expect(a.writes.flat().some((f) => decodeClientMessage(f).kind === 'awareness')).toBe(false);
  });

  it('[RL4] with storage stalled, at most MAX_HELD_PRESENCE awareness changes wait; later ones go out at once', async () => {
    const gated = new GatedStore(createMemoryStore());
    const { room } = await setup(gated);
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(b, { scope: 'edit', generation: 0 });
    await settled();
    room.receive(ca, encodeSyncUpdate(update('stalled', 81)));
    const from = b.sent.length;
    const moves = MAX_HELD_PRESENCE + 10;
    for (let clock = 1; clock <= moves; clock++) room.receive(ca, awareness({ clientId: 81, clock, state: JSON.stringify({ clock }) }));
    await settled();
    // The first MAX_HELD_PRESENCE wait behind the unwritten edit; the rest were relayed as they came.
    expect(b.awarenessSince(from).map((e) => e.clock)).toEqual(Array.from({ length: 10 }, (_, i) => MAX_HELD_PRESENCE + 1 + i));
    gated.releaseAppends();
    await waitFor(() => b.docText() === 'stalled', 'the edit is relayed');
    await settled();
    expect(b.awarenessSince(from)).toHaveLength(moves);
  });

  it('[H3] step2 and our step1 wait for pending appends, then cover them', async () => {
    const gated = new GatedStore(createMemoryStore());
    const { room } = await setup(gated);
    const a = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    await waitFor(() => a.sent.length === 1, 'our join-time step1 goes out first');
    room.receive(ca, encodeSyncUpdate(update('x', 7)));
    const before = a.sent.length;
    room.receive(ca, encodeSyncStep1(new Uint8Array([0])));
    await settled();
    expect(gated.pendingAppends).toBe(1);
    expect(a.sent.length).toBe(before);
    gated.releaseAppends();
    await waitFor(() => a.sent.length === before + 2, 'step2 and step1 once the append is done');
    const replies = a.sent.slice(before).map((f) => decodeClientMessage(f));
    expect(replies.map((r) => r.kind)).toEqual(['sync-step2', 'sync-step1']);
    // Both leave in one write, as a relay and its presence do [RL4].
    expect(a.writes.at(-1)!.map((f) => decodeClientMessage(f).kind)).toEqual(['sync-step2', 'sync-step1']);
    const sv = Y.decodeStateVector((replies[1] as { stateVector: Uint8Array }).stateVector);
    expect(sv.get(7)).toBe(1);
  });

  it('[R1][R2] a view connection cannot change the document but still receives updates', async () => {
    const { room, store } = await setup();
    const editor = new FakeSocket();
    const viewer = new FakeSocket();
    const ce = room.join(editor, { scope: 'edit', generation: 0 })!;
    const cv = room.join(viewer, { scope: 'view', generation: 0 })!;
    room.receive(cv, encodeSyncUpdate(update('from viewer', 2)));
    room.receive(ce, encodeSyncUpdate(update('from editor', 3)));
    await waitFor(() => viewer.docText() !== '', 'the editor update reaches the viewer');
    await settled();
    expect(room.doc.getText('t').toString()).toBe('from editor');
    expect(viewer.docText()).toBe('from editor');
    expect(editor.docText()).toBe('');
    expect(viewer.closedWith).toBeNull();
    const stored = await store.load('doc-aaaaaaaa');
    expect(stored!.log.length).toBe(1);
  });

  it('[M2] an update that does not decode is not applied, stored or relayed; the sender is closed with 1007', async () => {
    const { room, store } = await setup();
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(b, { scope: 'edit', generation: 0 });
    const good = update('good', 4);
    const broken = good.slice(0, good.length - 3);
    room.receive(ca, encodeSyncUpdate(broken));
    await settled();
    expect(a.closedWith?.code).toBe(1007);
    expect(room.doc.getText('t').toString()).toBe('');
    expect((await store.load('doc-aaaaaaaa'))!.log).toHaveLength(0);
    expect(b.docText()).toBe('');
    expect(b.closedWith).toBeNull();
  });

  it('[M2][L9] what Yjs holds back is never sent or stored: a newcomer\'s step2 and the final snapshot leave it out', async () => {
    const { registry, room, store } = await setup();
    const a = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    // Client 31's first change never arrives, so its second waits inside Yjs.
    const author = new Y.Doc();
    author.clientID = 31;
    author.getText('t').insert(0, 'x');
    const before = Y.encodeStateVector(author);
    author.getText('t').insert(1, 'held');
    room.receive(ca, encodeSyncUpdate(update('kept', 32)));
    room.receive(ca, encodeSyncUpdate(Y.encodeStateAsUpdate(author, before)));
    expect(a.closedWith).toBeNull();
    expect(room.doc.store.pendingStructs).not.toBeNull();
    const b = new FakeSocket();
    const cb = room.join(b, { scope: 'edit', generation: 0 })!;
    room.receive(cb, encodeSyncStep1(new Uint8Array([0])));
    const step2 = () => b.sent.map((f) => decodeClientMessage(f)).find((m) => m.kind === 'sync-step2') as { update: Uint8Array } | undefined;
    await waitFor(() => step2() !== undefined, 'the newcomer\'s step1 is answered');
    const received = new Y.Doc();
    Y.applyUpdate(received, step2()!.update);
    expect(received.getText('t').toString()).toBe('kept');
    expect(received.store.pendingStructs).toBeNull();
    expect(Y.decodeUpdate(step2()!.update).structs.some((struct) => struct.id.client === 31)).toBe(false);
    // The unload's final write folds the log into a snapshot: without the held-back change either.
    room.leave(ca);
    room.leave(cb);
    registry.release(room);
    await waitFor(() => registry.size === 0, 'the room unloads');
    const stored = (await store.load('doc-aaaaaaaa'))!;
    expect(stored.snapshot).not.toBeNull();
    expect(Y.decodeUpdate(stored.snapshot!).structs.some((struct) => struct.id.client === 31)).toBe(false);
  });

  it('[A1][A2] awareness: own ids only, removed on leave', async () => {
    const { room } = await setup();
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    const cb = room.join(b, { scope: 'view', generation: 0 })!;
    room.receive(ca, encodeAwareness(encodeAwarenessEntries([{ clientId: 10, clock: 1, state: '{"n":"a"}' }])));
    room.receive(cb, encodeAwareness(encodeAwarenessEntries([{ clientId: 10, clock: 5, state: '{"n":"evil"}' }])));
    room.receive(cb, encodeAwareness(encodeAwarenessEntries([{ clientId: 10, clock: 6, state: 'null' }])));
    expect(room.awareness.getStates().get(10)).toEqual({ n: 'a' });
    room.leave(ca);
    expect(room.awareness.getStates().has(10)).toBe(false);
  });

  it('[A1] one message with the sender\'s own id and another\'s: its own entry applies and is relayed, the other is refused', async () => {
    const { room, metrics } = await setup();
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    const cb = room.join(b, { scope: 'edit', generation: 0 })!;
    room.join(c, { scope: 'view', generation: 0 });
    room.receive(ca, awareness({ clientId: 10, clock: 1, state: '{"n":"a"}' }));
    room.receive(cb, awareness({ clientId: 20, clock: 1, state: '{"n":"b"}' }));
    const trips = async () => (await metrics.limitTrips.get()).values.find((v) => v.labels.limit === 'awareness_ownership')?.value ?? 0;
    const tripsBefore = await trips();
    let heard = c.sent.length;
    room.receive(cb, awareness({ clientId: 20, clock: 2, state: '{"n":"b2"}' }, { clientId: 10, clock: 5, state: '{"n":"evil"}' }));
    expect(room.awareness.getStates().get(20)).toEqual({ n: 'b2' });
    expect(room.awareness.getStates().get(10)).toEqual({ n: 'a' });
    expect(c.awarenessSince(heard).map((e) => [e.clientId, e.state])).toEqual([[20, '{"n":"b2"}']]);
    expect(await trips()).toBe(tripsBefore + 1);
    // Removals alike: b may remove its own state, not a's.
    heard = c.sent.length;
    room.receive(cb, awareness({ clientId: 10, clock: 6, state: 'null' }, { clientId: 20, clock: 3, state: 'null' }));
    expect(room.awareness.getStates().has(20)).toBe(false);
    expect(room.awareness.getStates().get(10)).toEqual({ n: 'a' });
    expect(c.awarenessSince(heard).map((e) => [e.clientId, e.state])).toEqual([[20, 'null']]);
    expect(await trips()).toBe(tripsBefore + 2);
  });

  it('[A3][CL1] a state not renewed for 30 s is removed and the removal relayed, a peer\'s and another instance\'s alike', async () => {
    // y-protocols checks every 3 s (setInterval, faked before the room exists) against the time each state was
    // last renewed (lib0 reads the real clock, so the states are made older instead of the clock later).
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { room } = await setup();
      const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
      const ca = room.join(a, { scope: 'edit', generation: 0 })!;
      const cb = room.join(b, { scope: 'edit', generation: 0 })!;
      room.join(c, { scope: 'view', generation: 0 });
      room.receive(ca, awareness({ clientId: 10, clock: 1, state: '{"n":"a"}' }));
      room.receive(cb, awareness({ clientId: 20, clock: 1, state: '{"n":"b"}' }));
      // A peer of another instance, whose instance never says it left (it crashed).
      room.applyRemoteAwareness(encodeAwarenessEntries([{ clientId: 30, clock: 1, state: '{"n":"remote"}' }]), 'instance-b');
      expect([...room.awareness.getStates().keys()].sort()).toEqual([10, 20, 30]);
      vi.advanceTimersByTime(3_000);
      expect(room.awareness.getStates().size).toBe(3);
      // 31 s pass; b renews its state just before the next check, the others do not.
      for (const meta of room.awareness.meta.values()) meta.lastUpdated -= 31_000;
      room.receive(cb, awareness({ clientId: 20, clock: 2, state: '{"n":"b"}' }));
      const heard = c.sent.length;
      vi.advanceTimersByTime(3_000);
      expect([...room.awareness.getStates().keys()]).toEqual([20]);
      const removed = c.awarenessSince(heard).filter((e) => e.state === 'null').map((e) => e.clientId).sort();
      expect(removed).toEqual([10, 30]);
      expect(a.closedWith).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('[CL5] another instance\'s peer: a local echo does not make it local; its instance\'s death removes it; a newer clock moves it here', async () => {
    const { room } = await setup();
    const [a, c] = [new FakeSocket(), new FakeSocket()];
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(c, { scope: 'view', generation: 0 });
    room.applyRemoteAwareness(encodeAwarenessEntries([{ clientId: 30, clock: 4, state: '{"n":"remote"}' }]), 'instance-b');
    room.applyRemoteAwareness(encodeAwarenessEntries([{ clientId: 40, clock: 1, state: '{"n":"elsewhere"}' }]), 'instance-c');
    // The stock client echoes what it hears: a's echo of 30 claims nothing, so a leaving does not remove it.
    room.receive(ca, awareness({ clientId: 10, clock: 1, state: '{"n":"a"}' }, { clientId: 30, clock: 4, state: '{"n":"remote"}' }));
    room.leave(ca);
    expect([...room.awareness.getStates().keys()].sort()).toEqual([30, 40]);
    // instance-b dies: only its peer goes, and the removal reaches the local peers.
    const heard = c.sent.length;
    room.dropInstance('instance-b');
    expect([...room.awareness.getStates().keys()]).toEqual([40]);
    expect(c.awarenessSince(heard).map((e) => [e.clientId, e.state])).toEqual([[30, 'null']]);
    // 40's client reconnects here (newer clock): it is local now, and instance-c's later death leaves it alone.
    const b = new FakeSocket();
    const cb = room.join(b, { scope: 'edit', generation: 0 })!;
    room.receive(cb, awareness({ clientId: 40, clock: 2, state: '{"n":"moved"}' }));
    room.dropInstance('instance-c');
    expect(room.awareness.getStates().get(40)).toEqual({ n: 'moved' });
  });

  it('[L4] a connection over its message budget is closed with 1008', async () => {
    const { room } = await setup();
    const a = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    for (let i = 0; i < 2500 && a.isOpen; i++) room.receive(ca, new Uint8Array([3]));
    expect(a.closedWith?.code).toBe(1008);
  });

  it('[L3] the document connection cap closes the extra socket with 1013', async () => {
    const { room } = await setup();
    const sockets = Array.from({ length: 6 }, () => new FakeSocket());
    const joined = sockets.map((s) => room.join(s, { scope: 'view', generation: 0 }));
    expect(joined.filter(Boolean)).toHaveLength(5);
    expect(sockets[5]!.closedWith?.code).toBe(1013);
  });

  it('[D6] a failed append acknowledges nothing: sockets close with 1011 and the room is discarded', async () => {
    const inner = createMemoryStore();
    let fail = false;
    const store: DocStore = {
      ...inner,
      append: (id, u) => (fail ? Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })) : inner.append(id, u)),
    };
    const { room, registry } = await setup(store);
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.join(b, { scope: 'edit', generation: 0 });
    fail = true;
    room.receive(ca, encodeSyncUpdate(update('lost?', 9)));
    await waitFor(() => a.closedWith !== null, 'the failed append closes the sockets');
    await settled();
    expect(a.closedWith?.code).toBe(1011);
    expect(b.closedWith?.code).toBe(1011);
    expect(b.docText()).toBe('');
    expect(registry.peek('doc-aaaaaaaa')).toBeUndefined();
    fail = false;
    // The next acquire loads afresh from storage, which never had the update.
    const again = await registry.acquire('doc-aaaaaaaa');
    expect(again).not.toBe(room);
    expect(again.doc.getText('t').toString()).toBe('');
  });
});

describe('RoomRegistry', () => {
  it('[U1] concurrent acquires load once', async () => {
    const inner = createMemoryStore();
    let loads = 0;
    const store: DocStore = { ...inner, load: (id) => (loads++, inner.load(id)) };
    const registry = await registryWithDoc(store, 'doc-bbbbbbbb');
    const rooms = await Promise.all(Array.from({ length: 50 }, () => registry.acquire('doc-bbbbbbbb')));
    expect(new Set(rooms).size).toBe(1);
    expect(loads).toBe(1);
    expect(rooms[0]!.leases).toBe(50);
  });

  it('[U2][U3] unload writes first; an acquire during unload waits and sees everything', async () => {
    const gated = new GatedStore(createMemoryStore());
    const { registry, room, store } = await setup(gated);
    const a = new FakeSocket();
    const ca = room.join(a, { scope: 'edit', generation: 0 })!;
    room.receive(ca, encodeSyncUpdate(update('kept', 11)));
    room.leave(ca);
    // The idle room starts its unload, whose final write waits for the append still held: acquire right then.
    let unloading = false;
    const close = room.close.bind(room);
    room.close = () => ((unloading = true), close());
    registry.release(room);
    await waitFor(() => unloading, 'the idle room starts unloading');
    const next = registry.acquire('doc-aaaaaaaa');
    gated.holdAppends = false;
    gated.releaseAppends();
    const reloaded = await next;
    expect(reloaded).not.toBe(room);
    expect(reloaded.doc.getText('t').toString()).toBe('kept');
    const stored = await store.load('doc-aaaaaaaa');
    expect(stored!.snapshot).not.toBeNull();
  });

  it('[U5] a document that fails to load is refused and nothing is written', async () => {
    const inner = createMemoryStore();
    const writes: string[] = [];
    const store: DocStore = {
      ...inner,
      load: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })),
      append: (id, u) => (writes.push('append'), inner.append(id, u)),
      compact: (id, s) => (writes.push('compact'), inner.compact(id, s)),
      putMeta: (m) => (writes.push('putMeta'), inner.putMeta(m)),
    };
    const registry = await registryWithDoc(store, 'doc-cccccccc', 1);
    await expect(registry.acquire('doc-cccccccc')).rejects.toThrow('EIO');
    await expect(registry.acquire('doc-cccccccc')).rejects.toThrow('EIO');
    expect(writes).toEqual([]);
    expect(registry.size).toBe(0);
  });
});
