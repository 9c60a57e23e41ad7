import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  ProtocolError,
  decodeAwarenessUpdate,
  decodeClientMessage,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '../../src/protocol/messages.js';

describe('y-websocket message codec [P1]', () => {
  it('decodes what it encodes', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x');
    const sv = Y.encodeStateVector(doc);
    const update = Y.encodeStateAsUpdate(doc);
    expect(decodeClientMessage(encodeSyncStep1(sv))).toEqual({ kind: 'sync-step1', stateVector: sv });
    expect(decodeClientMessage(encodeSyncStep2(update))).toEqual({ kind: 'sync-step2', update });
    expect(decodeClientMessage(encodeSyncUpdate(update))).toEqual({ kind: 'sync-update', update });
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ kind: 'query-awareness' });
    const entries = [{ clientId: 5, clock: 2, state: '{"a":1}' }, { clientId: 6, clock: 1, state: 'null' }];
    const aw = encodeAwarenessEntries(entries);
    expect(decodeClientMessage(encodeAwareness(aw))).toEqual({ kind: 'awareness', update: aw });
    expect(decodeAwarenessUpdate(aw)).toEqual(entries);
  });

  it('never throws anything but ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeClientMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects trailing bytes, unknown message and sync types, and awareness states that are not JSON', () => {
    const valid = encodeSyncUpdate(new Uint8Array([1, 2, 3, 4]));
    const malformed = [
      new Uint8Array([...valid, 0]),
      new Uint8Array([3, 0]),
      new Uint8Array([9, 1, 2]),
      new Uint8Array([0, 7, 0]),
    ];
    for (const frame of malformed) expect(() => decodeClientMessage(frame), String(frame)).toThrow(ProtocolError);
    // An awareness message's entries are checked when they are read (the room does, before applying them).
    expect(() => decodeAwarenessUpdate(encodeAwarenessEntries([{ clientId: 1, clock: 1, state: '{not json' }]))).toThrow(ProtocolError);
    expect(() => decodeAwarenessUpdate(new Uint8Array([...encodeAwarenessEntries([]), 0]))).toThrow(ProtocolError);
  });

  it('rejects every strict prefix of a valid message', () => {
    const full = encodeSyncUpdate(new Uint8Array([1, 2, 3, 4]));
    for (let i = 0; i < full.length; i++) expect(() => decodeClientMessage(full.slice(0, i))).toThrow(ProtocolError);
  });
});
