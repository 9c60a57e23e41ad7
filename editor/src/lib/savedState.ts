import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { ConnectionState } from './connection';

/**
 * Tandem's saved-state rule, the pure half. The server answers every sync step 1 we send with a step 2
 * and then — once everything we sent before that step 1 is durable — with its own step 1 (its state
 * vector). We are saved when the server's vector covers ours for every client id we know about.
 */

export type StateVector = Map<number, number>;

export const MESSAGE_SYNC = 0;

/** True when `server` has at least every update counted in `local`. */
export function covers(server: StateVector, local: StateVector): boolean {
  for (const [client, clock] of local) {
    if ((server.get(client) ?? 0) < clock) return false;
  }
  return true;
}

/**
 * Raises what we know the server has with an update that came *from* the server (it cannot send what it
 * lacks). Without this, every keystroke of a collaborator would flash "Saving…" until the next check.
 * Only contiguous ranges are taken: a range that starts past what we know says nothing about the gap.
 */
export function advanceWithRemoteUpdate(server: StateVector, update: Uint8Array): StateVector {
  let meta: { from: Map<number, number>; to: Map<number, number> };
  try {
    meta = Y.parseUpdateMeta(update);
  } catch {
    return server;
  }
  let next: StateVector | null = null;
  for (const [client, to] of meta.to) {
    const from = meta.from.get(client) ?? 0;
    const known = server.get(client) ?? 0;
    if (from <= known && to > known) {
      next ??= new Map(server);
      next.set(client, to);
    }
  }
  return next ?? server;
}

/** Element-wise maximum: the server's vector only grows, and answers may race our own lifting. */
export function mergeStateVectors(a: StateVector, b: StateVector): StateVector {
  const out = new Map(a);
  for (const [client, clock] of b) out.set(client, Math.max(clock, out.get(client) ?? 0));
  return out;
}

/** `[messageSync][syncStep1][our state vector]` — what the stock provider sends on connect. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/**
 * If `data` is a sync step 1 (the server telling us its state vector), returns that vector; for any other
 * message (step 2, updates, awareness, garbage) returns null. Never throws.
 */
export function readServerStateVector(data: ArrayBuffer | Uint8Array): StateVector | null {
  try {
    const decoder = decoding.createDecoder(data instanceof Uint8Array ? data : new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null;
    if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep1) return null;
    return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
  } catch {
    return null;
  }
}

export type SaveState =
  /** The server has everything we have. */
  | 'saved'
  /** Connected; some local changes are not confirmed durable yet. */
  | 'saving'
  /** Connected but we have not heard the server's state vector yet. */
  | 'checking'
  /** Not connected: local changes live in IndexedDB until we are back. */
  | 'offline';

export function computeSaveState(connection: ConnectionState['kind'], local: StateVector, server: StateVector | null): SaveState {
  if (connection !== 'connected') return 'offline';
  if (server === null) return 'checking';
  return covers(server, local) ? 'saved' : 'saving';
}

export function describeSaveState(state: SaveState): string {
  switch (state) {
    case 'saved':
      return 'All changes saved';
    case 'saving':
      return 'Saving…';
    case 'checking':
      return 'Syncing…';
    case 'offline':
      return 'Offline — changes kept on this device';
  }
}
