import * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import { reportLimitTrip, type LimitReporting } from '../limits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DocMeta, DocStore } from '../storage/doc-store.js';
import { CloseCode } from '@tandem/common';
import { ProtocolError, decodeClientMessage } from '../protocol/messages.js';
import { ClientUpdates } from './client-updates.js';
import { Connection, whileCorked, type ConnectionAccess, type PeerSocket } from './connection.js';
import { DurableLog } from './durable-log.js';
import { LaggingReaders } from './lagging-readers.js';
import { RelayBatcher, REMOTE } from './relay-batcher.js';
import { RoomPresence } from './room-presence.js';
import { SyncResponder } from './sync-responder.js';
import { TITLE_MIGRATION, titleMigration } from './title-migration.js';
import type { ChangeAuthor } from '../history/entry.js';
import { RoomHistory, type HistoryOptions } from '../history/room-history.js';
import type { DocEvents } from '../doc-events.js';
import { RoomEvents } from './room-events.js';

export interface RoomLimits {
  maxDocBytes: number;
  maxConnectionsPerDoc: number;
  maxMessagesPerSecond: number;
  compactAfterBytes: number;
}

/** How a room reaches the other instances holding the same document (cluster mode); see cluster/doc-link.ts. */
export interface RoomUplink {
  publishUpdate(update: Uint8Array): void;
  publishAwareness(update: Uint8Array): void;
  close(): void;
}

export interface RoomDeps {
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  limits: RoomLimits;
  /** [HI] History settings; absent or null: history is off (deleted content is collected, nothing recorded). */
  history?: HistoryOptions | null;
  /** [WH2] Who hears of durable changes, new comments and versions (webhooks); absent: nobody. */
  events?: DocEvents | undefined;
}

/**
 * [L10] Changes are applied as they arrive but become durable in batches; a peer sending faster than they are
 * written would pile up pending appends (a few KiB each) without bound. Past this many unsettled appends, the
 * socket whose message was just handled is no longer read (TCP pushes back on its sender)…
 */
export const INTAKE_PAUSE_ABOVE = 4096;
/** …until this few are left: a few group-commit batches, so the writes keep running while it is paused. */
export const INTAKE_RESUME_AT = 1024;

/**
 * [RL4] Most awareness changes held behind unwritten edits. Past it (storage stalled while peers keep moving
 * their cursors) presence goes out at once again, ahead of its edits: memory stays bounded, presence stays live.
 */
export const MAX_HELD_PRESENCE = 256;

/** The origin of a change the server makes on someone's behalf (restore, revert, the write API) [HI2]. */
export class ServerChange {
  constructor(readonly author: ChangeAuthor) {}
}

/** Thrown by `applyServerChange` when the change would take the document past its size limit [L2]. */
export class DocumentTooLargeError extends Error {
  constructor() {
    super('document size limit reached');
    this.name = 'DocumentTooLargeError';
  }
}

/**
 * One open document: its Y.Doc, its Awareness and the connections editing it. Rules cited as [Rn] are in
 * server/SPEC.md. The room never touches a socket library: it sees `PeerSocket`s. It dispatches what peers
 * and other instances send: a peer's update passes its `ClientUpdates` gate, accepted changes go to its
 * `DurableLog`, durable ones out through its `RelayBatcher`; its `SyncResponder` answers sync requests, its
 * `RoomPresence` keeps awareness.
 */
export class Room {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<Connection>();
  /** Leases held by sockets and HTTP readers; the registry unloads the room when they reach zero. */
  leases = 0;
  private readonly log: Logger;
  /** Limit trips are counted and logged with this room's logger. */
  private readonly reporting: LimitReporting;
  /** Awareness: ownership [A1], removal on leave [A2], broadcast and publication to other instances. */
  private readonly presence: RoomPresence;
  /** The write path: appends in order [D1], compaction, failure [D6]. */
  private readonly durable: DurableLog;
  /** Relays durable updates to the peers (and the other instances) once per append batch [RL1]. */
  private readonly relays: RelayBatcher;
  /** [RL5] Readers that fell behind: skipped by relays until drained, then caught up with one update. */
  private readonly lagging: LaggingReaders;
  /** The checks a peer's update passes on its way into the document [R1][L2][M2][L9]. */
  private readonly updates: ClientUpdates;
  /** Our state vector to newcomers [H2], answers to step1 [H3] and to other instances, once durable. */
  private readonly sync: SyncResponder;
  /** Versions, attribution, restore [HI]; null when history is off. */
  readonly history: RoomHistory | null;
  private uplink: RoomUplink | null = null;
  /** [WH2] Tells `deps.events` of durable local changes and new comments; null without listeners. */
  private readonly told: RoomEvents | null;
  /** [RL4] Awareness changes waiting for the changes received before them to be relayed. */
  private heldPresence: { frame: Uint8Array; except: unknown; after: number }[] = [];
  /** When the document last changed (ms), until `meta` is next read: a timestamp per update, not an ISO string. */
  private changedAt: number | null = null;

  private constructor(
    readonly id: string,
    private storedMeta: DocMeta,
    private readonly deps: RoomDeps,
    stored: { snapshotBytes: number; logBytes: number },
  ) {
    // The document id as guid: Yjs would otherwise draw a random uuid (31 getRandomValues calls) per room.
    // [HI1] With history on, deleted content is kept so that every past state can be rendered.
    this.doc = new Y.Doc({ guid: id, gc: !deps.history });
    this.log = deps.logger.child({ doc: id });
    this.reporting = { metrics: deps.metrics, logger: this.log };
    this.relays = new RelayBatcher({
      broadcast: (frame, except) => this.broadcastRelay(frame, except),
      reaches: (except) => this.reaches(except),
      together: (send) => this.relayTogether(send),
    });
    this.durable = new DurableLog(
      id,
      this.doc,
      { store: deps.store, metrics: deps.metrics, logger: this.log, compactAfterBytes: deps.limits.compactAfterBytes },
      stored,
      {
        durable: (update, origin, hadEntry) => {
          this.relays.relay(update, origin);
          this.history?.noteDurable(hadEntry);
          this.told?.durable(origin);
        },
        failed: () => this.onWriteFailure(),
      },
    );
    this.history = deps.history
      ? new RoomHistory(id, this.doc, {
          store: deps.store,
          logger: this.log,
          options: deps.history,
          whenDurable: async () => {
            if ((await this.durable.whenDurable(true)) === null) throw new Error('the document could not be saved');
          },
          applyChange: (update, author) => this.applyServerChange(update, author),
          shared: () => this.uplink !== null,
          versionCreated: deps.events ? (version) => deps.events?.versionCreated(id, version) : undefined,
        })
      : null;
    this.told = deps.events
      ? new RoomEvents(id, deps.events, () => this.history?.newestVersionId() ?? Promise.resolve(null))
      : null;
    this.updates = new ClientUpdates(this.doc, {
      ...this.reporting,
      maxDocBytes: deps.limits.maxDocBytes,
      storedBytes: () => this.durable.approxBytes,
    });
    this.lagging = new LaggingReaders({
      doc: this.doc,
      appended: () => this.durable.appended,
      settled: () => this.durable.settled,
      afterWrites: (fn) => this.durable.afterWrites(fn),
      present: (conn) => this.connections.has(conn),
      send: (conn, frame) => this.send(conn, frame),
      caughtUp: () => deps.metrics.readerCatchUps.inc(),
    });
    this.sync = new SyncResponder(this.doc, this.durable, (conn, ...frames) => this.sendTogether(conn, frames));
    this.presence = new RoomPresence(this.doc, this.connections, {
      metrics: deps.metrics,
      logger: this.log,
      send: (conn, frame) => this.send(conn, frame),
      broadcast: (frame, except) => this.broadcastPresence(frame, except),
    });
    this.awareness = this.presence.awareness;
    this.doc.on('update', this.onDocUpdate);
  }

  /** The document's metadata, `updatedAt` included. */
  get meta(): DocMeta {
    if (this.changedAt !== null) {
      this.storedMeta = { ...this.storedMeta, updatedAt: new Date(this.changedAt).toISOString() };
      this.changedAt = null;
    }
    return this.storedMeta;
  }

  set meta(meta: DocMeta) {
    this.storedMeta = meta;
  }

  /** Loads a document from storage [U1]; rejects when unknown or unreadable, leaving storage untouched. */
  static async load(id: string, meta: DocMeta, deps: RoomDeps): Promise<Room> {
    const stored = await deps.store.load(id);
    if (!stored) throw new Error(`document ${id} vanished while loading`);
    const room = new Room(id, meta, deps, {
      snapshotBytes: stored.snapshot?.byteLength ?? 0,
      logBytes: stored.logBytes,
    });
    // Stored updates were already persisted: apply them without the update listener re-appending them.
    room.doc.off('update', room.onDocUpdate);
    Y.transact(room.doc, () => {
      if (stored.snapshot) Y.applyUpdate(room.doc, stored.snapshot);
      for (const update of stored.log) Y.applyUpdate(room.doc, update);
    });
    room.doc.on('update', room.onDocUpdate);
    // [HI2] Only from here on: loading what storage holds is not a change anybody made.
    if (room.history) room.doc.on('afterTransaction', room.onTransaction);
    if (room.told) room.doc.on('afterTransaction', room.told.observe);
    room.sync.loaded(stored.snapshot, stored.log.length);
    room.lagging.loaded();
    // [U6] A legacy title moves into the title text as an ordinary change: appended before anything is relayed [D1].
    const migration = titleMigration(id, room.doc);
    if (migration) {
      Y.applyUpdate(room.doc, migration, TITLE_MIGRATION);
      room.log.info('moved the legacy title into the title text');
    }
    return room;
  }

  /** Adds a socket [H2]: sends our state vector and the current awareness. Null when the room is full. */
  join(socket: PeerSocket, access: ConnectionAccess): Connection | null {
    if (this.connections.size >= this.deps.limits.maxConnectionsPerDoc) {
      reportLimitTrip(this.reporting, 'connections_per_doc', 'document connection limit reached', {
        max: this.deps.limits.maxConnectionsPerDoc,
      });
      socket.close(CloseCode.TryAgainLater, 'too many connections to this document');
      return null;
    }
    const conn = new Connection(socket, access, this.deps.limits.maxMessagesPerSecond);
    conn.frozen = this.durable.isAbandoned;
    this.connections.add(conn);
    this.sync.greet(conn);
    this.presence.greet(conn);
    return conn;
  }

  /** Removes a socket and every awareness state it introduced [A2]. */
  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.lagging.forget(conn);
    this.presence.release(conn);
  }

  /** Handles one binary frame from `conn`. Never throws: bad input closes that socket only [M1]. */
  receive(conn: Connection, frame: Uint8Array): void {
    if (!this.connections.has(conn)) return;
    const { metrics } = this.deps;
    metrics.tally.bytesIn += frame.byteLength;
    if (!conn.takeMessageBudget()) {
      reportLimitTrip(this.reporting, 'message_rate', 'message rate limit exceeded', { conn: conn.id });
      return this.drop(conn, CloseCode.PolicyViolation, 'message rate limit exceeded');
    }
    try {
      const message = decodeClientMessage(frame);
      metrics.tally.countIn(message.kind);
      switch (message.kind) {
        case 'sync-step1':
          return this.sync.answerStep1(conn, message.stateVector);
        case 'sync-step2':
        case 'sync-update':
          return this.applyClientUpdate(conn, message.update);
        case 'awareness':
          return this.presence.applyFromClient(conn, message.update);
        case 'query-awareness':
          return this.presence.answerQuery(conn);
        case 'auth':
          return;
      }
    } catch (error) {
      const malformed = error instanceof ProtocolError;
      metrics.errors.inc({ kind: malformed ? 'malformed' : 'internal' });
      this.log.warn({ conn: conn.id, err: (error as Error).message }, 'closing socket after a bad message');
      this.drop(conn, CloseCode.InvalidPayload, malformed ? (error as Error).message : 'message could not be applied');
    }
  }

  /**
   * [L10] After a message: whether its sender should stop being read because too many changes wait to be
   * durable. If so, `resume` is called once the backlog has fallen to INTAKE_RESUME_AT.
   */
  shouldPauseIntake(resume: () => void): boolean {
    if (this.durable.backlog <= INTAKE_PAUSE_ABOVE) return false;
    this.durable.whenBacklogAtMost(INTAKE_RESUME_AT, resume);
    return true;
  }

  private applyClientUpdate(conn: Connection, update: Uint8Array): void {
    const refusal = this.updates.apply(conn, update);
    if (refusal) this.drop(conn, refusal.code, refusal.reason);
  }

  /** [D1] Every change is appended before it is relayed; relays leave in the order appends complete. */
  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.sync.changed();
    if (origin === REMOTE) {
      // [CL1] Another instance appended it to the shared store before publishing it: relay only.
      this.durable.countRemote(update);
      return this.relays.relay(update, REMOTE);
    }
    // [U6] Moving a legacy title is not an edit: `updatedAt` stays.
    if (origin !== TITLE_MIGRATION) this.changedAt = Date.now();
    this.durable.append(update, origin, this.history?.takeEntry() ?? null);
    this.told?.appended(this.durable);
  };

  /** [HI2] Stamps each local transaction with who made it, before its update is appended. */
  private readonly onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.origin === REMOTE) return;
    this.history?.capture(transaction, () => this.authorOf(transaction.origin));
  };

  /** [HI2] Who is behind a transaction's origin, as the server knows it — never as the update claims. */
  private authorOf(origin: unknown): ChangeAuthor {
    if (origin instanceof Connection) {
      const announced = this.presence.announcedUser(origin);
      return {
        session: origin.session,
        // [ID1] A stamped name is the announced one already (RoomPresence rewrites it); it also covers a
        // connection that writes before announcing anything.
        name: origin.access.name ?? announced?.name ?? 'Anonymous',
        color: announced?.color ?? null,
        scope: origin.access.scope,
        generation: origin.access.generation,
        user: origin.access.user ?? null,
        source: 'socket',
      };
    }
    if (origin instanceof ServerChange) return origin.author;
    const migration = origin === TITLE_MIGRATION;
    return {
      session: 'server',
      name: migration ? 'Tandem' : 'Unknown',
      color: null,
      scope: 'edit',
      generation: this.storedMeta.linkGeneration,
      user: null,
      source: migration ? 'migration' : 'api',
    };
  }

  /**
   * Throws what `applyServerChange(update)` would throw before applying anything (a failed store, or
   * `DocumentTooLargeError` [L2]), so a caller can refuse before doing work that goes with the change [IM7].
   */
  assertCanApply(update: Uint8Array): void {
    if (this.durable.failed) throw new Error('the document could not be saved');
    if (this.durable.approxBytes + update.byteLength > this.deps.limits.maxDocBytes) throw new DocumentTooLargeError();
  }

  /**
   * [HI5] Applies a change the server made (restore, revert, the write API) like a peer's: size limit [L2],
   * durable append with its history entry, relay. Resolves once it is durable.
   */
  async applyServerChange(update: Uint8Array, author: ChangeAuthor): Promise<void> {
    this.assertCanApply(update);
    Y.applyUpdate(this.doc, update, new ServerChange(author));
    if ((await this.durable.whenDurable(true)) === null) throw new Error('the document could not be saved');
  }

  /** Cluster mode: from now on, local changes are published and remote ones arrive through the methods below. */
  attachUplink(uplink: RoomUplink): void {
    this.uplink = uplink;
    this.relays.publishTo(uplink);
    this.presence.publishTo(uplink);
  }

  /** [CL1] An update another instance made durable: apply it and relay it to our peers; nothing is stored. */
  applyRemoteUpdate(update: Uint8Array): void {
    if (this.durable.failed) return;
    try {
      Y.applyUpdate(this.doc, update, REMOTE);
    } catch (error) {
      this.deps.metrics.errors.inc({ kind: 'cluster' });
      this.log.warn({ err: (error as Error).message }, 'ignoring an update from another instance that does not apply');
    }
  }

  /** Awareness of another instance's peers. Their removal comes from that instance, its death [CL5], or the 30 s timeout [A3]. */
  applyRemoteAwareness(update: Uint8Array, from: string): void {
    if (this.durable.failed) return;
    this.presence.applyRemote(update, from);
  }

  /** [CL5] Another instance is gone: its peers' carets go too. */
  dropInstance(instanceId: string): void {
    this.presence.dropInstance(instanceId);
  }

  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /** What a replica at `stateVector` lacks, handed over once durable; null if nothing (see SyncResponder). */
  durableDiff(stateVector: Uint8Array): Promise<Uint8Array | null> {
    return this.sync.durableDiff(stateVector);
  }

  /** The awareness states this instance's own peers introduced, encoded; null when there are none. */
  localAwareness(): Uint8Array | null {
    return this.presence.localAwareness();
  }

  /** [D6] The write path failed: close every socket without acknowledging anything; the registry discards the room. */
  private onWriteFailure(): void {
    this.relays.stop();
    for (const conn of [...this.connections]) this.drop(conn, CloseCode.InternalError, 'storage failure, reconnect');
    this.onFailed?.();
  }

  /** Set by the registry: called once when the room can no longer be trusted. */
  onFailed: (() => void) | undefined;

  get isFailed(): boolean {
    return this.durable.failed;
  }

  /** Closes every connection matching `which` (e.g. tokens of an older link generation). */
  closeConnections(which: (conn: Connection) => boolean, code: number, reason: string): void {
    for (const conn of [...this.connections]) if (which(conn)) this.drop(conn, code, reason);
  }

  /**
   * [DEL4] The document is being deleted: its peers' updates are dropped from now on (as a view link's [R1]),
   * nothing is compacted, and `close` writes nothing more (no metadata, no version). Resolves once the appends
   * already issued have settled, so the store's delete finds nothing of this room in flight.
   */
  async freeze(): Promise<void> {
    for (const conn of this.connections) conn.frozen = true;
    this.durable.abandon();
    this.history?.abandon();
    await this.durable.whenDurable(null);
  }

  /** [U2] Final write: waits for pending appends, compacts, releases storage. Call with no connections. */
  async close(): Promise<void> {
    this.uplink?.close();
    this.uplink = null;
    this.relays.publishTo(null);
    this.presence.publishTo(null);
    await this.history?.close();
    await this.durable.close(() => this.meta);
    this.doc.off('update', this.onDocUpdate);
    this.doc.off('afterTransaction', this.onTransaction);
    if (this.told) this.doc.off('afterTransaction', this.told.observe);
    this.presence.destroy();
    this.doc.destroy();
  }

  private drop(conn: Connection, code: number, reason: string): void {
    this.leave(conn);
    conn.socket.close(code, reason);
  }

  /** Several frames to one peer in one write [RL4]. */
  private sendTogether(conn: Connection, frames: readonly Uint8Array[]): void {
    if (frames.length === 1) return this.send(conn, frames[0]!);
    whileCorked([conn], () => {
      for (const frame of frames) this.send(conn, frame);
    });
  }

  private send(conn: Connection, data: Uint8Array): void {
    if (!conn.socket.isOpen) return;
    conn.socket.send(data);
    const { tally } = this.deps.metrics;
    tally.messagesOut++;
    tally.bytesOut += data.byteLength;
  }

  /**
   * [RL4] Presence follows the edits received before it: while changes wait to become durable, an awareness
   * change is held and relayed right after them, in the same write to each peer. A cursor then never
   * reaches a peer before the text it points into, and a keystroke with its cursor move costs each peer one
   * write instead of two.
   */
  private broadcastPresence(frame: Uint8Array, except: unknown): void {
    if (this.durable.backlog === 0 || this.heldPresence.length >= MAX_HELD_PRESENCE) return this.broadcast(frame, except);
    this.heldPresence.push({ frame, except, after: this.durable.appended });
  }

  /** [RL4] One relay flush: every peer's frames, then the presence held behind them, leave in one write. */
  private relayTogether(send: () => void): void {
    whileCorked(this.connections, () => {
      send();
      // Relays leave in append order, so the changes relayed by now are the first `settled` ones.
      const relayed = this.durable.settled;
      let due = 0;
      while (due < this.heldPresence.length && this.heldPresence[due]!.after <= relayed) due++;
      if (due > 0) for (const { frame, except } of this.heldPresence.splice(0, due)) this.broadcast(frame, except);
    });
    this.lagging.flushed();
  }

  private broadcast(data: Uint8Array, except: unknown): void {
    for (const conn of this.connections) if (conn !== except) this.send(conn, data);
  }

  /** [RL5] A relay of updates: readers that lag are skipped, to be caught up once they have read their queue. */
  private broadcastRelay(data: Uint8Array, except: unknown): void {
    for (const conn of this.connections) if (conn !== except && this.lagging.admits(conn)) this.send(conn, data);
  }

  /** Whether a relay sparing `except` would reach anyone: relays nobody receives are not even encoded [RL1]. */
  private reaches(except: unknown): boolean {
    for (const conn of this.connections) {
      if (conn !== except && conn.socket.isOpen && !this.lagging.isLagging(conn)) return true;
    }
    return false;
  }
}
