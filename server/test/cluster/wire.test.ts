import { describe, expect, it } from 'vitest';
import { ClusterWireError, decodeClusterMessage, encodeClusterMessage, type ClusterMessage } from '../../src/cluster/wire.js';

describe('cluster wire format', () => {
  const bytes = new Uint8Array([1, 2, 3, 250]);
  it.each<ClusterMessage>([
    { kind: 'update', from: 'a', update: bytes },
    { kind: 'awareness', from: 'instance-b', update: bytes },
    { kind: 'sync-request', from: 'c', stateVector: new Uint8Array([0]) },
    { kind: 'sync-reply', from: 'd', to: 'e', update: bytes, stateVector: new Uint8Array(0) },
    { kind: 'deleted', from: 'f' },
  ])('round-trips %o', (message) => {
    expect(decodeClusterMessage(encodeClusterMessage(message))).toEqual(message);
  });

  it('refuses other versions, unknown kinds, truncation and trailing bytes with ClusterWireError', () => {
    const good = encodeClusterMessage({ kind: 'update', from: 'a', update: bytes });
    const bad = [
      new Uint8Array([9, 0, 1, 97, 0]),
      new Uint8Array([1, 7, 1, 97, 0]),
      good.slice(0, good.length - 1),
      new Uint8Array([...good, 0]),
      new Uint8Array(0),
    ];
    for (const message of bad) expect(() => decodeClusterMessage(message)).toThrow(ClusterWireError);
  });
});
