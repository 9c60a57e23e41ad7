import type { ClusterBus } from './redis-bus.js';
import type { ClusterMessage } from './wire.js';
import { EMPTY_UPDATE, isEmptyUpdate } from '../protocol/empty-update.js';

/** What a room offers its link to the other instances. */
export interface LinkedRoom {
  /** Applies an update another instance already made durable, and relays it to this instance's peers. */
  applyRemoteUpdate(update: Uint8Array): void;
  /** Applies awareness of another instance's peers (`from` names it) and relays it to this instance's peers. */
  applyRemoteAwareness(update: Uint8Array, from: string): void;
  /** [CL5] That instance is gone: removes the awareness states its peers set, relaying the removal. */
  dropInstance(instanceId: string): void;
  /** The room's state vector. */
  stateVector(): Uint8Array;
  /** What a peer at `stateVector` lacks, once every pending append is durable; null when it lacks nothing. */
  durableDiff(stateVector: Uint8Array): Promise<Uint8Array | null>;
  /** Awareness of this instance's own peers, or null when none has any. */
  localAwareness(): Uint8Array | null;
}

/**
 * One open document's presence on the cluster bus [CL1–CL4]. It is subscribed before the room loads from
 * storage, so an update published between the load and the subscription cannot slip through: messages that
 * arrive before the room is attached wait, then apply (Yjs ignores what it already has).
 */
export class DocLink {
  private room: LinkedRoom | null = null;
  private early: ClusterMessage[] = [];
  private closed = false;

  private constructor(
    private readonly bus: ClusterBus,
    readonly docId: string,
    private readonly onDeleted: () => void,
  ) {}

  /**
   * Subscribes to the document's channel (or, with Redis down, registers for when it is back). `onDeleted`
   * hears that another instance deleted the document [DEL4] — at once, even while the room still loads.
   */
  static async open(bus: ClusterBus, docId: string, onDeleted: () => void = () => {}): Promise<DocLink> {
    const link = new DocLink(bus, docId, onDeleted);
    await bus.join(docId, {
      message: (message) => link.receive(message),
      repair: () => link.requestSync(),
      instanceGone: (instanceId) => link.room?.dropInstance(instanceId),
    });
    return link;
  }

  /** [CL2] The room has loaded: apply what arrived meanwhile, then ask the holders what storage lacked. */
  attach(room: LinkedRoom): void {
    this.room = room;
    const early = this.early;
    this.early = [];
    for (const message of early) this.receive(message);
    this.requestSync();
  }

  /** [CL1] A local update, already durable. */
  publishUpdate(update: Uint8Array): void {
    if (!this.closed) this.bus.publish(this.docId, { kind: 'update', from: this.bus.instanceId, update });
  }

  /** A change to this instance's peers' awareness. */
  publishAwareness(update: Uint8Array): void {
    if (!this.closed) this.bus.publish(this.docId, { kind: 'awareness', from: this.bus.instanceId, update });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.room = null;
    this.early = [];
    this.bus.leave(this.docId);
  }

  private requestSync(): void {
    if (this.closed || !this.room) return;
    this.bus.publish(this.docId, { kind: 'sync-request', from: this.bus.instanceId, stateVector: this.room.stateVector() });
  }

  private receive(message: ClusterMessage): void {
    if (this.closed) return;
    if (message.kind === 'deleted') return this.onDeleted();
    const room = this.room;
    if (!room) {
      this.early.push(message);
      return;
    }
    switch (message.kind) {
      case 'update':
        return room.applyRemoteUpdate(message.update);
      case 'awareness':
        return room.applyRemoteAwareness(message.update, message.from);
      case 'sync-request': {
        // Answer with what the asker lacks and our own state vector, so it can send back what we lack.
        const ours = room.stateVector();
        void room.durableDiff(message.stateVector).then((diff) => {
          this.reply(message.from, diff ?? EMPTY_UPDATE, ours);
        });
        const awareness = room.localAwareness();
        if (awareness) this.publishAwareness(awareness);
        return;
      }
      case 'sync-reply': {
        if (!isEmptyUpdate(message.update)) room.applyRemoteUpdate(message.update);
        if (message.stateVector.byteLength === 0) return;
        void room.durableDiff(message.stateVector).then((diff) => {
          if (diff) this.reply(message.from, diff, new Uint8Array(0));
        });
        return;
      }
    }
  }

  private reply(to: string, update: Uint8Array, stateVector: Uint8Array): void {
    if (this.closed) return;
    this.bus.publish(this.docId, { kind: 'sync-reply', from: this.bus.instanceId, to, update, stateVector });
  }
}

