import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { isCurrentGeneration, type TokenClaims } from '../auth/tokens.js';
import { reportLimitTrip } from '../limits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { CloseCode } from '@tandem/common';
import type { Connection, PeerSocket } from '../rooms/connection.js';
import { CapacityError, type RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import { UnknownDocError, type DocMeta } from '../storage/doc-store.js';
import type { AddressLimiter } from './address-limiter.js';
import { wrapSocket } from './socket.js';

/** What a socket keeps from its handshake: the document's id and metadata, the claims, the peer's address. */
export interface Admission {
  meta: DocMeta;
  claims: TokenClaims;
  ip: string;
}

/** What every socket shares: the registry, reporting, the server's socket counts and the [L4]/[L5] limits. */
export interface CollabSocketDeps {
  registry: RoomRegistry;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Every open collaboration socket, for keep-alive pings, shutdown and the server's connection cap. */
  sockets: Set<WebSocket>;
  /** [L7] Open sockets per remote address. */
  addresses: AddressLimiter;
  maxOpenDocs: number;
  maxBufferedBytes: number;
  /** [L5] Told when a socket is cut off for not reading (one function shared by every socket). */
  onSlowReader: () => void;
  /** [L4] What a socket may send before its document is open: messages and bytes held until it is. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
}

/**
 * One admitted socket, from the upgrade to its close. It counts itself open, arms its token's expiry [R4] and
 * asks for its document; frames arriving while the document loads wait in a bounded queue [L4]. Once the room
 * is open it joins it (unless the links were reset meanwhile [R3]), replays the queue and hands every later
 * frame straight to the room. On close it lets go of all of it. The room sees only its `PeerSocket`.
 */
export class CollabSocket {
  private readonly peer: PeerSocket;
  private room: Room | undefined;
  private conn: Connection | null = null;
  private closed = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Frames that arrived before the document was open (created on the first one). */
  private queued: Uint8Array[] | undefined;
  private queuedBytes = 0;
  private flooded = false;
  /** [L10] Not being read while the document's writes catch up. */
  private paused = false;

  /** Takes over an admitted socket until it closes. */
  /** `stream` is the connection under `ws`, as the upgrade handed it over. */
  static open(ws: WebSocket, stream: Duplex, admission: Admission, deps: CollabSocketDeps): void {
    new CollabSocket(ws, stream, admission, deps);
  }

  private constructor(
    private readonly ws: WebSocket,
    stream: Duplex,
    private readonly admission: Admission,
    private readonly deps: CollabSocketDeps,
  ) {
    deps.sockets.add(ws);
    deps.addresses.add(admission.ip);
    deps.metrics.connections.set(deps.sockets.size);
    this.peer = wrapSocket(ws, stream, deps.maxBufferedBytes, deps.onSlowReader);
    this.armExpiry();
    deps.registry.acquire(admission.meta.id, admission.meta).then(
      (room) => this.join(room),
      (error: unknown) => this.loadFailed(error),
    );
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', () => this.cleanUp());
  }

  /** [R4] A token that expires mid-session ends the session. */
  private armExpiry(): void {
    const { expiresAt } = this.admission.claims;
    if (expiresAt === undefined) return;
    const ms = Math.max(0, expiresAt * 1000 - this.deps.now().getTime());
    this.expiryTimer = setTimeout(() => this.peer.close(CloseCode.TokenRevoked, 'token expired'), Math.min(ms, 2 ** 31 - 1));
    this.expiryTimer.unref();
  }

  /** The document is open: join its room, then replay what arrived meanwhile. */
  private join(room: Room): void {
    if (this.closed) return this.deps.registry.release(room);
    this.room = room;
    const { claims, meta } = this.admission;
    const { scope, generation, sub, name } = claims;
    const conn = room.join(this.peer, { scope, generation, ...(sub !== undefined ? { user: sub } : {}), ...(name !== undefined ? { name } : {}) });
    this.conn = conn;
    if (!conn) return;
    // Rotation may have happened while the room loaded.
    if (!isCurrentGeneration(claims, room.meta)) {
      return this.peer.close(CloseCode.TokenRevoked, 'link reset');
    }
    this.deps.logger.debug({ doc: meta.id, conn: conn.id, scope }, 'connected');
    const early = this.queued;
    this.queued = undefined;
    if (early) for (const frame of early) room.receive(conn, frame);
  }

  private readonly resumeIntake = (): void => {
    this.paused = false;
    if (!this.closed) this.ws.resume();
  };

  private loadFailed(error: unknown): void {
    const { deps } = this;
    if (error instanceof CapacityError) {
      reportLimitTrip(deps, 'open_documents', 'open document limit reached', { max: deps.maxOpenDocs });
      return this.peer.close(CloseCode.TryAgainLater, 'too many documents open, try again later');
    }
    // [DEL4] Deleted between the upgrade and the load.
    if (error instanceof UnknownDocError) return this.peer.close(CloseCode.DocumentDeleted, 'document deleted');
    deps.logger.error({ doc: this.admission.meta.id, err: error }, 'document could not be opened');
    deps.metrics.errors.inc({ kind: 'load' });
    this.peer.close(CloseCode.InternalError, 'document could not be opened');
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.deps.metrics.errors.inc({ kind: 'malformed' });
      return this.ws.close(CloseCode.UnsupportedData, 'binary frames only');
    }
    const frame = ownFrame(data);
    if (this.room && this.conn) {
      this.room.receive(this.conn, frame);
      if (!this.paused && this.room.shouldPauseIntake(this.resumeIntake)) {
        // ws may still hand over what it has already read; the next reads wait.
        this.paused = true;
        this.ws.pause();
        this.deps.metrics.intakePauses.inc();
      }
      return;
    }
    if (this.closed || this.flooded) return;
    this.queue(frame);
  }

  /**
   * [L4] Until the document is open, messages wait here, outside the room's rate limit: hold no more than one
   * burst, so a slow load cannot be used to pile up memory.
   */
  private queue(frame: Uint8Array): void {
    const { deps } = this;
    this.queued ??= [];
    this.queuedBytes += frame.byteLength;
    if (this.queued.length >= deps.maxQueuedMessages || this.queuedBytes > deps.maxQueuedBytes) {
      this.queued = undefined;
      this.flooded = true;
      reportLimitTrip(deps, 'message_rate', 'too much sent before the document was open', {
        messages: deps.maxQueuedMessages,
        bytes: deps.maxQueuedBytes,
      });
      return this.ws.close(CloseCode.PolicyViolation, 'message rate limit exceeded');
    }
    this.queued.push(frame);
  }

  private cleanUp(): void {
    const { deps, room, conn } = this;
    this.closed = true;
    this.queued = undefined;
    clearTimeout(this.expiryTimer);
    if (deps.sockets.delete(this.ws)) deps.addresses.remove(this.admission.ip);
    deps.metrics.connections.set(deps.sockets.size);
    if (room) {
      if (conn) room.leave(conn);
      deps.registry.release(room);
    }
  }
}

/**
 * The frame as a plain `Uint8Array` of its own: ws hands out views into the socket's read buffers, which
 * must not be kept alive (or aliased) by frames queued or retained downstream.
 */
function ownFrame(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data);
}
