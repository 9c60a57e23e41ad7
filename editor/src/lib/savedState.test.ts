import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import {
  advanceWithRemoteUpdate,
  computeSaveState,
  covers,
  describeSaveState,
  encodeSyncStep1,
  mergeStateVectors,
  readServerStateVector,
} from './savedState';

const sv = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

function docWith(text: string, clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return doc;
}

/** What the server sends after our updates are durable: [messageSync][step1][its state vector]. */
function serverStep1(serverDoc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 0);
  syncProtocol.writeSyncStep1(enc, serverDoc);
  return encoding.toUint8Array(enc);
}

describe('covers', () => {
  it('is true when the server has every client at least as far as we do', () => {
    expect(covers(new Map([[1, 5], [2, 3]]), new Map([[1, 5]]))).toBe(true);
    expect(covers(new Map([[1, 6]]), new Map([[1, 5]]))).toBe(true);
    expect(covers(new Map(), new Map())).toBe(true);
  });
  it('is false when the server lacks a client or is behind on one', () => {
    expect(covers(new Map([[1, 4]]), new Map([[1, 5]]))).toBe(false);
    expect(covers(new Map([[1, 5]]), new Map([[1, 5], [2, 1]]))).toBe(false);
  });
});

describe('reading the server state vector off the socket', () => {
  it('decodes a sync step 1', () => {
    const server = docWith('hello', 7);
    expect(readServerStateVector(serverStep1(server))).toEqual(new Map([[7, 5]]));
    // ArrayBuffer (what a WebSocket with binaryType=arraybuffer delivers) works too.
    const bytes = serverStep1(server);
    expect(readServerStateVector(bytes.slice().buffer)).toEqual(new Map([[7, 5]]));
  });
  it('ignores step 2, updates, awareness and garbage', () => {
    const doc = docWith('x', 1);
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, 0);
    syncProtocol.writeSyncStep2(step2, doc);
    expect(readServerStateVector(encoding.toUint8Array(step2))).toBeNull();
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 0);
    syncProtocol.writeUpdate(update, Y.encodeStateAsUpdate(doc));
    expect(readServerStateVector(encoding.toUint8Array(update))).toBeNull();
    expect(readServerStateVector(new Uint8Array([1, 2, 3]))).toBeNull(); // awareness
    expect(readServerStateVector(new Uint8Array([0, 0, 200]))).toBeNull(); // truncated
    expect(readServerStateVector(new Uint8Array([]))).toBeNull();
  });
  it('our own step 1 is what the stock provider sends', () => {
    const doc = docWith('abc', 3);
    expect(readServerStateVector(encodeSyncStep1(doc))).toEqual(sv(doc));
  });
});

describe('computeSaveState', () => {
  it('is saved only once the server has caught up with us', () => {
    const local = docWith('draft', 1);
    const server = new Y.Doc();
    expect(computeSaveState('connected', sv(local), sv(server))).toBe('saving');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(local));
    expect(computeSaveState('connected', sv(local), sv(server))).toBe('saved');
    local.getText('t').insert(0, 'more ');
    expect(computeSaveState('connected', sv(local), sv(server))).toBe('saving');
  });
  it('is "checking" until the server has told us anything', () => {
    expect(computeSaveState('connected', new Map(), null)).toBe('checking');
  });
  it('is offline whenever we are not connected, whatever we knew', () => {
    for (const kind of ['connecting', 'reconnecting', 'offline', 'closed'] as const) {
      expect(computeSaveState(kind, new Map(), new Map())).toBe('offline');
    }
  });
  it('has human labels', () => {
    expect(describeSaveState('saved')).toBe('All changes saved');
    expect(describeSaveState('offline')).toBe('Offline — changes kept on this device');
  });
});

describe('advanceWithRemoteUpdate', () => {
  it('counts what the server sent us as held by the server', () => {
    const peer = docWith('hi', 9);
    const first = Y.encodeStateAsUpdate(peer);
    let server = new Map<number, number>();
    server = advanceWithRemoteUpdate(server, first);
    expect(server.get(9)).toBe(2);
    const before = Y.encodeStateVector(peer);
    peer.getText('t').insert(2, '!!!');
    server = advanceWithRemoteUpdate(server, Y.encodeStateAsUpdate(peer, before));
    expect(server.get(9)).toBe(5);
  });
  it('does not jump over a gap it knows nothing about', () => {
    const peer = docWith('hi', 9);
    const before = Y.encodeStateVector(peer);
    peer.getText('t').insert(2, 'there');
    const tail = Y.encodeStateAsUpdate(peer, before); // clocks 2..7 only
    expect(advanceWithRemoteUpdate(new Map(), tail).get(9)).toBeUndefined();
  });
  it('returns the same map when nothing changes and survives garbage', () => {
    const server = new Map([[1, 1]]);
    expect(advanceWithRemoteUpdate(server, new Uint8Array([0, 0]))).toBe(server);
    expect(advanceWithRemoteUpdate(server, new Uint8Array([255, 255, 255]))).toBe(server);
  });
});

describe('mergeStateVectors', () => {
  it('takes the element-wise maximum', () => {
    expect(mergeStateVectors(new Map([[1, 3], [2, 9]]), new Map([[1, 5], [3, 1]]))).toEqual(
      new Map([[1, 5], [2, 9], [3, 1]]),
    );
  });
});
