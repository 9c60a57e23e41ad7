import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { decodeAwarenessUpdate, encodeSyncStep1, encodeSyncUpdate } from '../../src/protocol/messages.js';
import { FileStore } from '../../src/storage/file/store.js';
import { GatedStore } from '../support/gated-store.js';
import { closed, connectClient, createDoc, rawSocket, receivedFrames, startTestServer, synced, waitFor, type TestServer } from '../support/harness.js';

/** Every frame a raw socket received since it opened, decoded to {type, sub, payload}. */
function recorder(ws: WebSocket) {
  const frames: { type: number; sub: number; payload: Uint8Array }[] = [];
  const decode = (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const sub = decoding.readVarUint(d);
      frames.push({ type, sub, payload: decoding.readVarUint8Array(d) });
    } else frames.push({ type, sub: -1, payload: decoding.readTailAsUint8Array(d) });
  };
  receivedFrames(ws).forEach(decode);
  ws.on('message', decode);
  return frames;
}

function updateInserting(text: string, clientID = Math.floor(Math.random() * 2 ** 30)): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_MESSAGE_BYTES: '65536' });
});
afterAll(async () => {
  await server.dispose();
});

const url = (id: string, token: string) => `${server.wsUrl}/${id}?token=${token}`;

describe('handshake and durability at the byte level', () => {
  it('[H2] on join the server sends its sync step1 and the awareness states of everyone present', async () => {
    const { id, editToken } = await createDoc(server.url);
    const present = connectClient(server.wsUrl, id, editToken);
    await synced(present.provider);
    present.provider.awareness.setLocalStateField('user', { name: 'Present' });
    await waitFor(() => server.registry.peek(id)?.awareness.getStates().get(present.doc.clientID)?.user?.name === 'Present', 'the server has the state');
    const ws = await rawSocket(url(id, editToken));
    const frames = recorder(ws);
    await waitFor(() => frames.some((f) => f.type === 0 && f.sub === 0), 'server step1');
    await waitFor(() => frames.some((f) => f.type === 1), 'the awareness of those present');
    const states = frames
      .filter((f) => f.type === 1)
      .flatMap((f) => decodeAwarenessUpdate(decoding.readVarUint8Array(decoding.createDecoder(f.payload))));
    expect(states.map((e) => e.clientId)).toContain(present.doc.clientID);
    ws.close();
    present.destroy();
  });

  it('[H3][D1] step1 is answered with step2 then a state vector covering our update, which is already in the log', async () => {
    const { id, editToken } = await createDoc(server.url);
    const ws = await rawSocket(url(id, editToken));
    const frames = recorder(ws);
    const update = updateInserting('durable', 4242);
    ws.send(encodeSyncUpdate(update));
    ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    await waitFor(() => frames.filter((f) => f.type === 0 && f.sub === 0).length >= 2, 'second server step1');
    const afterRequest = frames.slice(frames.findIndex((f) => f.type === 0 && f.sub === 1));
    expect(afterRequest[0]!.sub).toBe(1);
    const vector = Y.decodeStateVector(afterRequest.find((f) => f.sub === 0)!.payload);
    expect(vector.get(4242)).toBe(7);
    // The acknowledgement means the update is in the log: read the store directly.
    const stored = await server.store.load(id);
    const check = new Y.Doc();
    if (stored!.snapshot) Y.applyUpdate(check, stored!.snapshot);
    stored!.log.forEach((u) => Y.applyUpdate(check, u));
    expect(check.getText('t').toString()).toBe('durable');
    ws.close();
  });
});

describe('the answer to a step1 waits for the log [H3]', () => {
  let gated: GatedStore;
  let slowLog: TestServer;
  beforeAll(async () => {
    slowLog = await startTestServer({}, {
      store: (dataDir) => (gated = new GatedStore(new FileStore({ dataDir, fsyncIntervalMs: 50 }), { holdAppends: false })),
    });
  });
  afterAll(async () => {
    gated.holdAppends = false;
    gated.releaseAppends();
    await slowLog.dispose();
  });

  it('[H3][D1] while an earlier update is not yet appended, step2 and step1 are held back (later messages are answered); then they arrive, in that order', async () => {
    const { id, editToken } = await createDoc(slowLog.url);
    const ws = await rawSocket(`${slowLog.wsUrl}/${id}?token=${editToken}`);
    const frames = recorder(ws);
    await waitFor(() => frames.some((f) => f.type === 0 && f.sub === 0), 'the join-time step1');
    gated.holdAppends = true;
    ws.send(encodeSyncUpdate(updateInserting('held', 4343)));
    await waitFor(() => gated.pendingAppends === 1, 'the append is under way');
    const mark = frames.length;
    ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    // A query for awareness is answered at once: its answer shows the step1 before it was handled.
    ws.send(new Uint8Array([3]));
    await waitFor(() => frames.slice(mark).some((f) => f.type === 1), 'the query sent after the step1 is answered');
    expect(frames.slice(mark).filter((f) => f.type === 0)).toEqual([]);
    gated.holdAppends = false;
    gated.releaseAppends();
    await waitFor(() => frames.slice(mark).filter((f) => f.type === 0).length >= 2, 'step2 and step1 once the append is done');
    const replies = frames.slice(mark).filter((f) => f.type === 0);
    expect(replies.map((f) => f.sub)).toEqual([1, 0]);
    const received = new Y.Doc();
    Y.applyUpdate(received, replies[0]!.payload);
    expect(received.getText('t').toString()).toBe('held');
    expect(Y.decodeStateVector(replies[1]!.payload).get(4343)).toBe(4);
    ws.close();
  });
});

describe('malformed input closes only the offending socket [M1][M2]', () => {
  const cases: [string, Uint8Array | string, number][] = [
    ['garbage bytes', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 1007],
    ['an empty frame', new Uint8Array([]), 1007],
    ['a truncated var-uint', new Uint8Array([0x80]), 1007],
    ['an unknown message type', new Uint8Array([9, 1, 2]), 1007],
    ['an unknown sync type', new Uint8Array([0, 7, 0]), 1007],
    ['a truncated sync payload', new Uint8Array([0, 2, 10, 1, 2]), 1007],
    ['trailing bytes', new Uint8Array([3, 0]), 1007],
    ['an update that does not decode', encodeSyncUpdate(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 1007],
    ['an awareness state that is not JSON', new Uint8Array([1, 6, 1, 5, 1, 2, 123, 120]), 1007],
    ['a text frame', 'hello', 1003],
  ];
  it.each(cases)('%s', async (_name, frame, code) => {
    const { id, editToken } = await createDoc(server.url);
    const bystander = connectClient(server.wsUrl, id, editToken);
    await synced(bystander.provider);
    let bystanderCloses = 0;
    bystander.provider.on('connection-close', () => bystanderCloses++);
    bystander.text.insert(0, 'before');
    const ws = await rawSocket(url(id, editToken));
    const gone = closed(ws);
    ws.send(frame);
    expect((await gone).code).toBe(code);
    // The bystander keeps working, on the same socket, and nothing from the bad socket was stored.
    bystander.text.insert(6, '+after');
    const late = connectClient(server.wsUrl, id, editToken);
    await synced(late.provider);
    await waitFor(() => late.text.toString() === 'before+after', 'late joiner sees only good edits');
    expect(bystanderCloses).toBe(0);
    bystander.destroy();
    late.destroy();
  });

  it('[L1] a frame one byte over MAX_MESSAGE_BYTES closes with 1009; one byte under is accepted', async () => {
    const { id, editToken } = await createDoc(server.url);
    const limit = server.config.MAX_MESSAGE_BYTES;
    const over = await rawSocket(url(id, editToken));
    const overClosed = closed(over);
    over.send(new Uint8Array(limit + 1));
    expect((await overClosed).code).toBe(1009);

    // A valid awareness message padded to exactly the limit.
    const under = await rawSocket(url(id, editToken));
    const frames = recorder(under);
    const { encodeAwareness, encodeAwarenessEntries } = await import('../../src/protocol/messages.js');
    const sized = (pad: number) =>
      encodeAwareness(encodeAwarenessEntries([{ clientId: 77, clock: 1, state: JSON.stringify({ pad: 'x'.repeat(pad) }) }]));
    let pad = limit - 100;
    for (let i = 0; i < 5 && sized(pad).byteLength !== limit; i++) pad += limit - sized(pad).byteLength;
    const msg = sized(pad);
    expect(msg.byteLength).toBe(limit);
    under.send(msg);
    under.send(new Uint8Array([3]));
    await waitFor(() => frames.some((f) => f.type === 1 && f.payload.byteLength > limit - 100), 'awareness echoed back via query');
    expect(under.readyState).toBe(under.OPEN);
    under.close();
  });

  it('[A1] a connection cannot set or remove awareness of a client id another connection owns', async () => {
    const { id, editToken } = await createDoc(server.url);
    const alice = connectClient(server.wsUrl, id, editToken);
    await synced(alice.provider);
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    const observer = connectClient(server.wsUrl, id, editToken);
    await synced(observer.provider);
    await waitFor(() => observer.provider.awareness.getStates().get(alice.doc.clientID)?.user?.name === 'Alice', 'observer sees Alice');
    const { encodeAwareness, encodeAwarenessEntries } = await import('../../src/protocol/messages.js');
    const mallory = await rawSocket(url(id, editToken));
    const hijack = { clientId: alice.doc.clientID, clock: 1000, state: JSON.stringify({ user: { name: 'Mallory' } }) };
    mallory.send(encodeAwareness(encodeAwarenessEntries([hijack])));
    mallory.send(encodeAwareness(encodeAwarenessEntries([{ ...hijack, clock: 1001, state: 'null' }])));
    // Mallory's own id is fine, and proves her earlier messages were processed.
    mallory.send(encodeAwareness(encodeAwarenessEntries([{ clientId: 99999, clock: 1, state: '{"user":{"name":"M"}}' }])));
    await waitFor(() => observer.provider.awareness.getStates().get(99999)?.user?.name === 'M', 'mallory own state');
    expect(observer.provider.awareness.getStates().get(alice.doc.clientID)?.user?.name).toBe('Alice');
    mallory.close();
    await waitFor(() => !observer.provider.awareness.getStates().has(99999), 'mallory removed on close');
    alice.destroy();
    observer.destroy();
  });
});
