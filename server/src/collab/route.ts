import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context, Next } from 'hono';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { authorize, bearerToken, type AuthorizeDeps } from '../auth/authorize.js';
import { isCurrentGeneration, type TokenClaims } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import { reportLimitTrip } from '../limits.js';
import type { Metrics } from '../metrics.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { Connection } from '../rooms/connection.js';
import type { Room } from '../rooms/room.js';
import { CapacityError, type RoomRegistry } from '../rooms/registry.js';
import type { DocMeta } from '../storage/doc-store.js';
import { tokenFrom } from '../http/access.js';
import { HttpError, toErrorAnswer } from '../http/errors.js';
import { refuseSocket, wrapSocket } from './socket.js';

export interface CollabDeps extends AuthorizeDeps {
  registry: RoomRegistry;
  logger: Logger;
  metrics: Metrics;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxOpenDocs: number;
  maxBufferedBytes: number;
  /** [L4] What a socket may send before its document is open: messages and bytes held until it is. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  allowedOrigins: string[];
  isDraining: () => boolean;
  /** Every open collaboration socket, for keep-alive pings and shutdown. */
  sockets: Set<WebSocket>;
  /** Completes the handshakes this route accepts (`noServer`). */
  wss: WebSocketServer;
}

export interface CollabRoute {
  /**
   * The server's 'upgrade' handling for `GET /collab/<id>` spelled plainly: checks, answers and (when
   * admitted) upgrades the socket itself. False when the request is not that route: the caller passes it on.
   */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * `GET /collab/:id` in the app, reached by plain HTTP requests and by upgrades spelled any other way
   * (percent-encoded, dot segments, absolute form): the same checks and refusals, then no route (404).
   */
  handler(c: Context, next: Next): Promise<void>;
}

/** What a socket keeps from its handshake: the document's id and metadata, the claims, the peer's address. */
interface Admission {
  meta: DocMeta;
  claims: TokenClaims;
  ip: string;
}

/** The request target sockets are accepted on: `/collab/<id>` as clients write it, with an optional query. */
const SOCKET_TARGET = /^\/collab\/([A-Za-z0-9_-]+)(?:\?([^#]*))?$/;

const ignoreError = () => undefined;

/**
 * `/collab/:id` — [H1] everything that can be refused is refused before the upgrade (400/401/403/404/503),
 * so an unauthorised client never holds a socket. Messages that arrive while the room loads are queued.
 *
 * Upgrades are taken straight from the HTTP server's 'upgrade' event, not through Hono: an open socket then
 * keeps only what it needs (the WebSocket, its room and connection, the claims), not the upgrade request,
 * a Hono context or URL objects.
 */
export function collabRoute(deps: CollabDeps): CollabRoute {
  const perIp = new Map<string, number>();
  const trip = (limit: string, message: string, extra?: object) => reportLimitTrip(deps, limit, message, extra);
  const onSlowReader = () => trip('buffered_bytes', 'dropping a socket that stopped reading', { max: deps.maxBufferedBytes });

  /** [H1] The checks, in order: draining, origin, id and token, connection caps, open documents. */
  const admit = async (id: string, token: string | undefined, origin: string | undefined, ip: string): Promise<Admission> => {
    if (deps.isDraining()) throw new HttpError(503, 'draining', 'server is shutting down');
    if (deps.allowedOrigins.length > 0 && (!origin || !deps.allowedOrigins.includes(origin))) {
      trip('origin', 'refused a socket from an origin not in ALLOWED_ORIGINS', { origin: origin?.slice(0, 200) });
      throw new HttpError(403, 'origin_not_allowed', 'origin not allowed');
    }
    const { meta, claims } = await authorize(deps, id, token, 'view');
    if (deps.sockets.size >= deps.maxConnections) {
      trip('connections', 'server connection limit reached', { max: deps.maxConnections });
      throw new HttpError(503, 'too_many_connections', 'too many connections');
    }
    if ((perIp.get(ip) ?? 0) >= deps.maxConnectionsPerIp) {
      trip('connections_per_ip', 'per-address connection limit reached', { ip, max: deps.maxConnectionsPerIp });
      throw new HttpError(503, 'too_many_connections', 'too many connections from this address');
    }
    if (!deps.registry.peek(meta.id) && deps.registry.size >= deps.maxOpenDocs) {
      trip('open_documents', 'open document limit reached', { max: deps.maxOpenDocs });
      throw new HttpError(503, 'too_many_documents', 'too many documents open, try again later');
    }
    return { meta, claims, ip };
  };

  const accept = async (request: IncomingMessage, socket: Duplex, head: Buffer, id: string, query: string | undefined) => {
    // Until ws takes the socket, a reset from the peer must not become an uncaught 'error'.
    socket.on('error', ignoreError);
    const ip = request.socket.remoteAddress ?? 'unknown';
    const token = bearerToken(request.headers.authorization) ?? (query ? new URLSearchParams(query).get('token') : null) ?? undefined;
    let admission: Admission;
    try {
      admission = await admit(id, token, request.headers.origin, ip);
    } catch (error) {
      const { status, body } = toErrorAnswer(error, (unexpected) => {
        deps.metrics.errors.inc({ kind: 'internal' });
        deps.logger.error({ err: unexpected, method: request.method, path: `/collab/${id}` }, 'request failed');
      });
      return refuseSocket(socket, status, body);
    }
    // The peer gave up while it was checked.
    if (socket.destroyed) return;
    // A handshake ws finds malformed (key, version) is answered 400 through 'wsClientError' (transport/ws-guards.ts).
    deps.wss.handleUpgrade(request, socket, head, (ws) => {
      socket.off('error', ignoreError);
      deps.wss.emit('connection', ws, request);
      open(ws, admission);
    });
  };

  /** One admitted socket, from the upgrade to its close. */
  const open = (ws: WebSocket, { meta, claims, ip }: Admission) => {
    const id = meta.id;
    deps.sockets.add(ws);
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    deps.metrics.connections.set(deps.sockets.size);
    const socket = wrapSocket(ws, deps.maxBufferedBytes, onSlowReader);
    let room: Room | undefined;
    let conn: Connection | null = null;
    let closed = false;
    let expiryTimer: NodeJS.Timeout | undefined;
    /** Frames that arrived before the document was open (created on the first one). */
    let queued: Uint8Array[] | undefined;
    let queuedBytes = 0;
    let flooded = false;
    if (claims.expiresAt !== undefined) {
      // [R4] A token that expires mid-session ends the session.
      const ms = Math.max(0, claims.expiresAt * 1000 - deps.now().getTime());
      expiryTimer = setTimeout(() => socket.close(CloseCode.TokenRevoked, 'token expired'), Math.min(ms, 2 ** 31 - 1));
      expiryTimer.unref();
    }
    const { scope, generation } = claims;
    deps.registry.acquire(id, meta).then(
      (acquired) => {
        if (closed) return deps.registry.release(acquired);
        room = acquired;
        conn = room.join(socket, { scope, generation });
        if (!conn) return;
        // Rotation may have happened while the room loaded.
        if (!isCurrentGeneration(claims, room.meta)) {
          return socket.close(CloseCode.TokenRevoked, 'link reset');
        }
        deps.logger.debug({ doc: id, conn: conn.id, scope }, 'connected');
        const early = queued;
        queued = undefined;
        if (early) for (const frame of early) room.receive(conn, frame);
      },
      (error: unknown) => {
        if (error instanceof CapacityError) {
          trip('open_documents', 'open document limit reached', { max: deps.maxOpenDocs });
          return socket.close(CloseCode.TryAgainLater, 'too many documents open, try again later');
        }
        deps.logger.error({ doc: id, err: error }, 'document could not be opened');
        deps.metrics.errors.inc({ kind: 'load' });
        socket.close(CloseCode.InternalError, 'document could not be opened');
      },
    );
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        deps.metrics.errors.inc({ kind: 'malformed' });
        return ws.close(CloseCode.UnsupportedData, 'binary frames only');
      }
      const frame = ownFrame(data);
      if (room && conn) return room.receive(conn, frame);
      if (closed || flooded) return;
      // [L4] Until the document is open, messages wait here, outside the room's rate limit: hold no more
      // than one burst, so a slow load cannot be used to pile up memory.
      queued ??= [];
      queuedBytes += frame.byteLength;
      if (queued.length >= deps.maxQueuedMessages || queuedBytes > deps.maxQueuedBytes) {
        queued = undefined;
        flooded = true;
        trip('message_rate', 'too much sent before the document was open', { messages: deps.maxQueuedMessages, bytes: deps.maxQueuedBytes });
        return ws.close(CloseCode.PolicyViolation, 'message rate limit exceeded');
      }
      queued.push(frame);
    });
    ws.on('close', () => {
      closed = true;
      queued = undefined;
      clearTimeout(expiryTimer);
      if (deps.sockets.delete(ws)) {
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left > 0) perIp.set(ip, left);
        else perIp.delete(ip);
      }
      deps.metrics.connections.set(deps.sockets.size);
      if (room) {
        if (conn) room.leave(conn);
        deps.registry.release(room);
      }
    });
  };

  return {
    upgrade(request, socket, head) {
      if (request.method !== 'GET') return false;
      const target = SOCKET_TARGET.exec(request.url ?? '');
      if (!target) return false;
      accept(request, socket, head, target[1]!, target[2]).catch((error: unknown) => {
        deps.metrics.errors.inc({ kind: 'internal' });
        deps.logger.error({ err: error }, 'socket upgrade failed');
        socket.destroy();
      });
      return true;
    },
    async handler(c, next) {
      await admit(c.req.param('id') ?? '', tokenFrom(c), c.req.header('origin'), remoteAddress(c));
      await next();
    },
  };
}

/**
 * The frame as a plain `Uint8Array` of its own: ws hands out views into the socket's read buffers, which
 * must not be kept alive (or aliased) by frames queued or retained downstream.
 */
function ownFrame(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data);
}

/** The peer's address as the TCP socket reports it (a reverse proxy's, behind one). */
function remoteAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
