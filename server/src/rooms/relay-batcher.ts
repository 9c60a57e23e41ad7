import * as Y from 'yjs';
import { encodeSyncUpdate } from '../protocol/messages.js';

/** Origin of updates and awareness that other instances sent (cluster mode): durable already, never re-sent. */
export const REMOTE = Symbol('another instance');

/** Where local updates go to reach the other instances (cluster mode): the room's uplink. */
export interface UpdatePublisher {
  publishUpdate(update: Uint8Array): void;
}

/** Sends `frame` to every peer of the room but `except` (the origin of what it carries, when a peer). */
export type Broadcast = (frame: Uint8Array, except: unknown) => void;

/** The room's peers, as the batcher sees them. */
export interface RelayPeers {
  broadcast: Broadcast;
  /** True when a broadcast sparing `except` would reach at least one peer. */
  reaches(except: unknown): boolean;
  /** [RL4] Runs `send` (one flush's broadcasts) so that each peer's frames leave together; absent: just runs it. */
  together?(send: () => void): void;
}

/**
 * [RL1] Most updates merged into one frame. `Y.mergeUpdates` is superlinear in the number of updates it merges
 * (it re-sorts its readers for every run of structs): measured on the automerge-paper trace, merging costs
 * ~2 µs per update up to 64 updates, 2.7 at 128, 12 at 1,024, 148 at 16,384 — while what merging saves a
 * receiver (Yjs applies one update instead of many: 6.4 µs per update unmerged, 0.6 merged by 64, no better
 * beyond) is already all there at 64.
 */
export const MAX_UPDATES_PER_FRAME = 64;

/**
 * [RL1] Most bytes of updates merged into one frame; a larger update goes out alone, unmerged: merging
 * re-encodes every byte (~55 µs per KiB measured) to save one frame, which is nothing next to a large
 * update's own cost.
 */
export const MAX_BYTES_PER_FRAME = 64 * 1024;

interface Queued {
  update: Uint8Array;
  origin: unknown;
}

/** Test seams: the merge function and the chunk bounds. */
export interface RelayBatcherOptions {
  merge?: (updates: Uint8Array[]) => Uint8Array;
  maxUpdates?: number;
  maxBytes?: number;
}

/**
 * [RL1] Relays a room's durable updates to its peers, a few merged frames per batch.
 *
 * The appends of one group-commit batch settle in the same run of microtasks, so relaying from a microtask
 * sends each peer one frame per batch instead of one per update: with many writers in one document the
 * per-message cost (a syscall per peer here, an applyUpdate per message in every client) is what limits
 * the room. A batch is merged in consecutive chunks of bounded size, so relaying costs the same per update
 * however far behind the server is (a single merge of a whole batch made a server that fell behind fall
 * further behind: issue #17); a chunk nobody would receive is neither merged nor encoded.
 */
export class RelayBatcher {
  /** Durable updates waiting to be relayed together. */
  private queue: Queued[] = [];
  private publisher: UpdatePublisher | null = null;
  private stopped = false;
  private readonly merge: (updates: Uint8Array[]) => Uint8Array;
  private readonly maxUpdates: number;
  private readonly maxBytes: number;

  constructor(
    private readonly peers: RelayPeers,
    options: RelayBatcherOptions = {},
  ) {
    this.merge = options.merge ?? Y.mergeUpdates;
    this.maxUpdates = options.maxUpdates ?? MAX_UPDATES_PER_FRAME;
    this.maxBytes = options.maxBytes ?? MAX_BYTES_PER_FRAME;
  }

  /** [CL1] Cluster mode: local updates are also published to the other instances, once per chunk. */
  publishTo(publisher: UpdatePublisher | null): void {
    this.publisher = publisher;
  }

  /** Relays nothing from now on: the room failed [D6], what is queued is never acknowledged. */
  stop(): void {
    this.stopped = true;
  }

  /** Queues a durable update (or one another instance made durable, origin `REMOTE`) for the next flush. */
  relay(update: Uint8Array, origin: unknown): void {
    this.queue.push({ update, origin });
    if (this.queue.length === 1) queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    const batch = this.queue;
    this.queue = [];
    if (this.stopped || batch.length === 0) return;
    if (this.peers.together) this.peers.together(() => this.send(batch));
    else this.send(batch);
  };

  private send(batch: Queued[]): void {
    if (this.publisher) {
      // Other instances may have peers, and they keep their copy of the document from what is published.
      const local = batch.filter((item) => item.origin !== REMOTE);
      for (const chunk of this.chunks(local)) this.publisher.publishUpdate(this.mergeChunk(chunk));
    }
    // [RL1] A chunk with several authors goes to everyone, its authors too: Yjs skips what a peer already
    // has, and one merge instead of one per author is what keeps a busy room cheap (measured: with 50
    // writers, per-author merges took the server to 54 % of a core against Hocuspocus's 31 %). A chunk from
    // a single author (one fast typist) skips its sender — which has those updates — and, when the sender
    // is the only peer, is not even merged.
    if (!this.peers.reaches(undefined)) return;
    for (const chunk of this.chunks(batch)) {
      const origin = chunk[0]!.origin;
      const except = chunk.every((item) => item.origin === origin) ? origin : undefined;
      if (except !== undefined && !this.peers.reaches(except)) continue;
      this.peers.broadcast(encodeSyncUpdate(this.mergeChunk(chunk)), except);
    }
  }

  /** Consecutive runs of `items`, each at most `maxUpdates` updates and, unless a single update, `maxBytes`. */
  private *chunks(items: Queued[]): Generator<Queued[]> {
    let start = 0;
    while (start < items.length) {
      let end = start;
      let bytes = 0;
      while (end < items.length && end - start < this.maxUpdates) {
        const size = items[end]!.update.byteLength;
        if (end > start && bytes + size > this.maxBytes) break;
        bytes += size;
        end++;
      }
      yield items.slice(start, end);
      start = end;
    }
  }

  private mergeChunk(chunk: Queued[]): Uint8Array {
    return chunk.length === 1 ? chunk[0]!.update : this.merge(chunk.map((item) => item.update));
  }
}
