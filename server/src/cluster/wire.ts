import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * What instances tell each other about one document, over its Redis channel. Every message names its
 * sender so an instance can skip its own (Redis delivers a publisher's messages to its own subscriber too).
 *
 * - `update`: a Yjs update the sender has already appended to the shared store [D1].
 * - `awareness`: an awareness update of the sender's own peers.
 * - `sync-request`: "this is my state vector": holders answer with what the sender lacks, and their
 *   peers' awareness. Sent when an instance opens a document and after Redis comes back, because pub/sub
 *   drops whatever is published while a subscriber is away.
 * - `deleted`: the sender deleted the document [DEL4]: close its sockets (4404) and drop it without writing.
 * - `sync-reply`: the answer, addressed to one instance; durable content only. A reply to a request carries
 *   the replier's own state vector, and the requester answers it with a final reply (empty state vector)
 *   holding what the replier lacks: one round trip repairs both directions.
 */
export type ClusterMessage =
  | { kind: 'update'; from: string; update: Uint8Array }
  | { kind: 'awareness'; from: string; update: Uint8Array }
  | { kind: 'sync-request'; from: string; stateVector: Uint8Array }
  | { kind: 'sync-reply'; from: string; to: string; update: Uint8Array; stateVector: Uint8Array }
  | { kind: 'deleted'; from: string };

const KIND_CODES = { update: 0, awareness: 1, 'sync-request': 2, 'sync-reply': 3, deleted: 4 } as const;
const WIRE_VERSION = 1;

export class ClusterWireError extends Error {
  override name = 'ClusterWireError';
}

export function encodeClusterMessage(message: ClusterMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, WIRE_VERSION);
  encoding.writeVarUint(encoder, KIND_CODES[message.kind]);
  encoding.writeVarString(encoder, message.from);
  switch (message.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'sync-request':
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
    case 'sync-reply':
      encoding.writeVarString(encoder, message.to);
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
    case 'deleted':
      break;
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes one message; throws ClusterWireError on anything else (another version, a foreign publisher). */
export function decodeClusterMessage(bytes: Uint8Array): ClusterMessage {
  try {
    const decoder = decoding.createDecoder(bytes);
    const version = decoding.readVarUint(decoder);
    if (version !== WIRE_VERSION) throw new ClusterWireError(`unknown cluster wire version ${version}`);
    const kind = decoding.readVarUint(decoder);
    const from = decoding.readVarString(decoder);
    let message: ClusterMessage;
    switch (kind) {
      case KIND_CODES.update:
        message = { kind: 'update', from, update: decoding.readVarUint8Array(decoder) };
        break;
      case KIND_CODES.awareness:
        message = { kind: 'awareness', from, update: decoding.readVarUint8Array(decoder) };
        break;
      case KIND_CODES['sync-request']:
        message = { kind: 'sync-request', from, stateVector: decoding.readVarUint8Array(decoder) };
        break;
      case KIND_CODES['sync-reply']: {
        const to = decoding.readVarString(decoder);
        const update = decoding.readVarUint8Array(decoder);
        message = { kind: 'sync-reply', from, to, update, stateVector: decoding.readVarUint8Array(decoder) };
        break;
      }
      case KIND_CODES.deleted:
        message = { kind: 'deleted', from };
        break;
      default:
        throw new ClusterWireError(`unknown cluster message kind ${kind}`);
    }
    if (decoding.hasContent(decoder)) throw new ClusterWireError('trailing bytes after a cluster message');
    return message;
  } catch (error) {
    if (error instanceof ClusterWireError) throw error;
    throw new ClusterWireError(`malformed cluster message: ${(error as Error).message}`);
  }
}
