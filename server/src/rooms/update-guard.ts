import * as Y from 'yjs';

/**
 * [M2] The check an untrusted update passes before it may touch a room's document.
 *
 * `Y.decodeUpdate` reads the whole update (a truncated or garbled one throws), but Yjs's integration then
 * trusts what it decoded. A few shapes that the decoder accepts make `Y.applyUpdate` throw halfway, after it
 * has already integrated part of the update (seen with randomly mutated updates: an item whose origin is a
 * later change of its own client, a zero-length delete range), and an item whose left and right origins are
 * the same character is placed differently depending on what arrived before it, so a reload or a late
 * joiner would disagree with the live document. Yjs never produces these shapes, so they are refused here,
 * before the document is touched — cheaply, on the structs the decoder already built.
 *
 * Only the V1 encoding is ever decoded (it is what y-websocket sends). The V2 decoder's run-length readers
 * repeat their last value forever once their input runs out, so a few bytes can declare billions of structs
 * (yjs#687); in V1 every struct consumes at least one byte, so work stays proportional to the frame size.
 */
export function checkUpdate(update: Uint8Array): string | null {
  const checked = decodeCheckedUpdate(update);
  return 'refused' in checked ? checked.refused : null;
}

/** An update the server decoded once: its structs and delete set. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * `checkUpdate`, handing back what it decoded so later checks (the comment rules [CM1]) need not decode again.
 *
 * Also refused: an update that lists one client's changes in two runs. `Y.decodeUpdate` reads both, but
 * `Y.applyUpdate` keeps only the last run of each client, so a check looking at the decoded structs would
 * judge changes that never apply and miss none — yet could accept references to ones that never arrive.
 */
export function decodeCheckedUpdate(update: Uint8Array): { decoded: DecodedUpdate } | { refused: string } {
  let decoded: DecodedUpdate;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { refused: 'update does not decode' };
  }
  const refused = checkStructs(decoded);
  return refused ? { refused } : { decoded };
}

function checkStructs(decoded: DecodedUpdate): string | null {
  const clients = new Set<number>();
  let previousClient: number | null = null;
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (client !== previousClient) {
      if (clients.has(client)) return 'update lists the changes of one client twice';
      clients.add(client);
      previousClient = client;
    }
    if (!(struct.length > 0) || clock + struct.length > Number.MAX_SAFE_INTEGER) return 'update has an empty or overlong struct';
    if (struct instanceof Y.Item) {
      const parent = struct.parent instanceof Y.ID ? struct.parent : null;
      for (const ref of [struct.origin, struct.rightOrigin, parent]) {
        // An item can only refer to changes that existed when it was made: its own client's are older.
        if (ref && ref.client === client && ref.clock >= clock) return 'update refers to a later change of its own client';
      }
      const { origin, rightOrigin } = struct;
      if (origin && rightOrigin && origin.client === rightOrigin.client && origin.clock === rightOrigin.clock) {
        return 'update has an item between a character and itself';
      }
    }
  }
  for (const ranges of decoded.ds.clients.values()) {
    for (const { clock, len } of ranges) {
      if (!(len > 0) || clock + len > Number.MAX_SAFE_INTEGER) return 'update has an empty or overlong delete range';
    }
  }
  return null;
}

/**
 * Bytes of updates the document holds back because they depend on changes it has not seen
 * (`store.pendingStructs`, `store.pendingDs`). Yjs keeps them in memory and re-merges all of them on every
 * later update that is also incomplete, so their size must stay small [L9].
 */
export function pendingBytes(doc: Y.Doc): number {
  const { pendingStructs, pendingDs } = doc.store;
  return (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0);
}

/**
 * Forgets the held-back updates. They were never integrated, so never stored, relayed or counted in the
 * state vector the server reports (H3): whoever sent them still has them and resends them in the sync
 * step2 of its next connection.
 */
export function dropPending(doc: Y.Doc): void {
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
}

/**
 * The document as the server integrated it, for sync step2 and snapshots. `Y.encodeStateAsUpdate` also
 * merges in the held-back updates, which the server never integrated, stored or acknowledged; a crafted one
 * reusing clocks of integrated changes would then come back differently from a snapshot than it is in
 * memory. Leaving them out keeps what the server sends and stores equal to what it holds [M2].
 */
export function encodeIntegratedState(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const { pendingStructs, pendingDs } = doc.store;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } finally {
    doc.store.pendingStructs = pendingStructs;
    doc.store.pendingDs = pendingDs;
  }
}
