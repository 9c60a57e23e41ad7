import { isCurrentGeneration } from '../auth/tokens.js';
import { DocLink } from '../cluster/doc-link.js';
import type { ClusterBus } from '../cluster/redis-bus.js';
import { CloseCode } from '@tandem/common';
import { UnknownDocError, type DocMeta } from '../storage/doc-store.js';
import { Room, type RoomDeps } from './room.js';

export interface RegistryOptions extends RoomDeps {
  /** How long a room with no leases stays loaded before its final write and unload. */
  idleMs: number;
  /** Rooms in memory (and loading) at once; beyond it `acquire` rejects with CapacityError [L6]. */
  maxOpenDocs?: number;
  /** Cluster mode: the bus to the other instances sharing the store. */
  cluster?: ClusterBus;
}

/** Too many documents are open to load another one now. */
export class CapacityError extends Error {
  override name = 'CapacityError';
}

/** What the registry reports as documents come and go; `open` is how many are in memory afterwards. */
export interface RegistryEvents {
  loaded: (open: number) => void;
  unloaded: (open: number) => void;
}

/**
 * The open documents. Loading and unloading are maps of promises and every `await` is followed by a fresh
 * look at the maps, so any number of sockets arriving at once cause exactly one load [U1], and a socket
 * arriving during an unload waits for the final write and then loads again [U3].
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<void>>();
  /** The metadata each pending load opens its room with (read once per load, shared with `getMeta`). */
  private readonly loadingMeta = new Map<string, Promise<DocMeta | null>>();
  /**
   * Bumped when metadata may have changed in storage (`putMeta` starts and ends, an unload's final write ends):
   * a meta `getMeta` read from storage at the current value can open a room without being read again.
   */
  private metaEpoch = 0;
  private readonly metaReadAt = new WeakMap<DocMeta, number>();
  /**
   * Storage reads of metadata under way, with the epoch each started at: the sockets of one link that arrive
   * together (before the first has started the load) share one read — only while the epoch is unchanged, so
   * nobody is answered with metadata read before a `putMeta` they came after.
   */
  private readonly metaReads = new Map<string, { epoch: number; read: Promise<DocMeta | null> }>();
  private readonly unloading = new Map<string, Promise<void>>();
  /**
   * [DEL4] Documents deleted (here or, while this instance had them open, on another one) since the process
   * started: never loaded again, whatever storage answers meanwhile. Ids are 22 characters; deletes are rare.
   */
  private readonly deleted = new Set<string>();
  private readonly idleTimers = new Map<Room, NodeJS.Timeout>();
  private readonly listeners: { [E in keyof RegistryEvents]: Set<RegistryEvents[E]> } = {
    loaded: new Set(),
    unloaded: new Set(),
  };

  constructor(private readonly options: RegistryOptions) {}

  /** Number of documents in memory. */
  get size(): number {
    return this.rooms.size;
  }

  /** True while no document is in memory or loading. */
  get isEmpty(): boolean {
    return this.rooms.size === 0 && this.loading.size === 0;
  }

  /**
   * Calls `listener` each time a document has loaded or unloaded (for process-wide concerns such as
   * returning memory; rooms know nothing of them). Returns the function that removes it.
   */
  on<E extends keyof RegistryEvents>(event: E, listener: RegistryEvents[E]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** The open room for `id`, if any (no lease taken). */
  peek(id: string): Room | undefined {
    const room = this.rooms.get(id);
    return room && !room.isFailed ? room : undefined;
  }

  /** The document's metadata: from memory when open, from its pending load while loading, else from storage. */
  async getMeta(id: string): Promise<DocMeta | null> {
    if (this.deleted.has(id)) return null;
    const known = this.peek(id)?.meta ?? this.loadingMeta.get(id);
    if (known) return known;
    const epoch = this.metaEpoch;
    const pending = this.metaReads.get(id);
    if (pending?.epoch === epoch) return pending.read;
    const read = this.options.store.getMeta(id).then((meta) => {
      if (meta) this.metaReadAt.set(meta, epoch);
      return meta;
    });
    const entry = { epoch, read };
    this.metaReads.set(id, entry);
    const forget = () => {
      if (this.metaReads.get(id) === entry) this.metaReads.delete(id);
    };
    read.then(forget, forget);
    return read;
  }

  /** Saves new metadata, keeping an open room's copy in step so its final write does not undo it. */
  async putMeta(meta: DocMeta): Promise<void> {
    const room = this.peek(meta.id);
    if (room) room.meta = { ...meta, updatedAt: room.meta.updatedAt };
    // A load under way opened with the old metadata: readers go to storage meanwhile.
    this.loadingMeta.delete(meta.id);
    this.metaEpoch++;
    try {
      await this.options.store.putMeta(room ? room.meta : meta);
    } finally {
      this.metaEpoch++;
    }
  }

  /**
   * [R3] Resets the document's share links: saves `current` (its metadata as the caller read it) with the
   * next link generation, then closes the open sockets whose tokens are of an older one (4401), so old
   * tokens stop working now, on sockets already open too. Returns the new metadata.
   */
  async rotateLinks(current: DocMeta): Promise<DocMeta> {
    const next: DocMeta = { ...current, linkGeneration: current.linkGeneration + 1 };
    await this.putMeta(next);
    this.peek(next.id)?.closeConnections((conn) => !isCurrentGeneration(conn.access, next), CloseCode.TokenRevoked, 'link reset');
    return next;
  }

  /**
   * Takes a lease on the document's room, loading it if needed. Rejects with UnknownDocError. `meta`, when
   * the caller has it from `getMeta`: a load uses it instead of reading storage again if nothing may have
   * changed it since (no `putMeta`, no unload finished).
   */
  async acquire(id: string, meta?: DocMeta): Promise<Room> {
    for (;;) {
      if (this.deleted.has(id)) throw new UnknownDocError(id);
      const unloading = this.unloading.get(id);
      if (unloading) {
        await unloading;
        continue;
      }
      const room = this.rooms.get(id);
      if (room && !room.isFailed) {
        room.leases++;
        this.cancelIdle(room);
        return room;
      }
      let loading = this.loading.get(id);
      if (!loading) {
        const max = this.options.maxOpenDocs ?? Infinity;
        if (this.rooms.size + this.loading.size >= max) throw new CapacityError('too many documents open');
        const fresh = meta?.id === id && this.metaReadAt.get(meta) === this.metaEpoch;
        const metaRead = fresh ? Promise.resolve(meta) : this.options.store.getMeta(id);
        loading = this.load(id, metaRead);
        this.loading.set(id, loading);
        this.loadingMeta.set(id, metaRead);
        const forget = () => {
          this.loading.delete(id);
          this.loadingMeta.delete(id);
        };
        loading.then(forget, forget);
      }
      await loading;
    }
  }

  /**
   * [DEL4] Deletes the document: from now on it is unknown here (routes 404, upgrades refused, loads
   * rejected) and its open room is frozen (peers' updates dropped, nothing more written); then the store
   * deletes it (durable when this resolves), its sockets are closed with 4404, its room dropped, and the
   * other instances told to do the same. Rejects with UnknownDocError if it does not exist (or is already
   * being deleted). If the store fails, the document is served again and its sockets are closed with 1011,
   * so their clients reconnect and resend what was dropped.
   */
  async deleteDocument(id: string): Promise<void> {
    if (this.deleted.has(id)) throw new UnknownDocError(id);
    this.deleted.add(id);
    const room = await this.settledRoom(id);
    try {
      await room?.freeze();
      await this.options.store.delete(id);
    } catch (error) {
      this.deleted.delete(id);
      if (room) await this.drop(room, CloseCode.InternalError, 'the document could not be deleted, reconnect');
      throw error;
    }
    if (room) await this.drop(room, CloseCode.DocumentDeleted, 'document deleted');
    const { cluster } = this.options;
    cluster?.publish(id, { kind: 'deleted', from: cluster.instanceId });
  }

  /** [DEL4] Another instance deleted the document: close its sockets here (4404) and drop its room. */
  forgetDeleted(id: string): void {
    if (this.deleted.has(id)) return;
    this.deleted.add(id);
    void (async () => {
      const room = await this.settledRoom(id);
      if (!room) return;
      await room.freeze();
      await this.drop(room, CloseCode.DocumentDeleted, 'document deleted');
    })().catch((error: unknown) => this.options.logger.error({ doc: id, err: error }, 'could not drop a deleted document'));
  }

  /** The document's room once any load or unload under way has finished; undefined when none is open. */
  private async settledRoom(id: string): Promise<Room | undefined> {
    await this.loading.get(id)?.catch(() => undefined);
    await this.unloading.get(id);
    return this.rooms.get(id);
  }

  /** Closes every socket of a frozen room with `code` and unloads it (it writes nothing more). */
  private async drop(room: Room, code: number, reason: string): Promise<void> {
    room.closeConnections(() => true, code, reason);
    await this.unload(room, true);
  }

  /** Returns a lease; the last one out schedules the unload. */
  release(room: Room): void {
    room.leases = Math.max(0, room.leases - 1);
    if (room.leases === 0) this.scheduleIdle(room);
  }

  /** Unloads every room (shutdown): final writes included. Callers close the sockets first. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => this.unload(room)));
    await Promise.all([...this.unloading.values()]);
  }

  private async load(id: string, metaRead: Promise<DocMeta | null>): Promise<void> {
    const { metrics } = this.options;
    const meta = await metaRead;
    if (!meta || this.deleted.has(id)) throw new UnknownDocError(id);
    const room = await this.loadLinked(id, meta);
    room.onFailed = () => this.discard(room);
    this.rooms.set(id, room);
    metrics.loads.inc();
    metrics.openDocuments.set(this.rooms.size);
    for (const listener of this.listeners.loaded) listener(this.rooms.size);
    // A room nobody leases (the acquirer went away meanwhile) must not stay forever.
    this.scheduleIdle(room);
  }

  /**
   * [CL2] In cluster mode the document's channel is subscribed before storage is read, so nothing another
   * instance appends and publishes meanwhile is missed; the link then asks the holders for anything newer.
   */
  private async loadLinked(id: string, meta: DocMeta): Promise<Room> {
    const { cluster } = this.options;
    if (!cluster) return Room.load(id, meta, this.options);
    const link = await DocLink.open(cluster, id, () => this.forgetDeleted(id));
    let room: Room;
    try {
      room = await Room.load(id, meta, this.options);
    } catch (error) {
      link.close();
      throw error;
    }
    room.attachUplink(link);
    link.attach(room);
    return room;
  }

  private scheduleIdle(room: Room): void {
    this.cancelIdle(room);
    const timer = setTimeout(() => {
      this.idleTimers.delete(room);
      void this.unload(room);
    }, this.options.idleMs);
    timer.unref();
    this.idleTimers.set(room, timer);
  }

  private cancelIdle(room: Room): void {
    const timer = this.idleTimers.get(room);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(room);
  }

  /** [U2] Final write, then forget the room — unless someone took a lease meanwhile. */
  private unload(room: Room, evenIfLeased = false): Promise<void> {
    const existing = this.unloading.get(room.id);
    if (existing) return existing;
    if (this.rooms.get(room.id) !== room || (room.leases > 0 && !evenIfLeased)) return Promise.resolve();
    this.cancelIdle(room);
    const done = room
      .close()
      .catch((error: unknown) => this.options.logger.error({ doc: room.id, err: error }, 'unload failed'))
      .finally(() => {
        this.metaEpoch++;
        if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
        this.unloading.delete(room.id);
        this.options.metrics.unloads.inc();
        this.options.metrics.openDocuments.set(this.rooms.size);
        for (const listener of this.listeners.unloaded) listener(this.rooms.size);
      });
    this.unloading.set(room.id, done);
    return done;
  }

  /**
   * A failed room goes at once, leases or not (its sockets are already closed); `Room.close` skips the
   * final write because storage no longer matches memory. Acquirers wait for it, then load afresh.
   */
  private discard(room: Room): void {
    void this.unload(room, true);
  }
}
