import { upgradeWebSocket } from '@hono/node-server';
import type { Context } from 'hono';
import type { WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { Connection } from '../rooms/connection.js';
import type { Room } from '../rooms/room.js';
import { CapacityError, type RoomRegistry } from '../rooms/registry.js';
import { authorize, type AccessDeps } from '../http/access.js';
import { HttpError } from '../http/errors.js';
import { wrapSocket } from './socket.js';

export interface CollabDeps extends AccessDeps {
  registry: RoomRegistry;
  logger: Logger;
  metrics: Metrics;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxOpenDocs: number;
  maxBufferedBytes: number;
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  allowedOrigins: string[];
  isDraining: () => boolean;
  /** Every open collaboration socket, for keep-alive pings and shutdown. */
  sockets: Set<WebSocket>;
}

/**
 * `GET /collab/:id` — [H1] everything that can be refused is refused before the upgrade (401/403/404/503),
 * so an unauthorised client never holds a socket. Messages that arrive while the room loads are queued.
 */
export function collabHandler(deps: CollabDeps) {
  const perIp = new Map<string, number>();
  const trip = (limit: string, message: string, extra: object = {}) => {
    deps.metrics.limitTrips.inc({ limit });
    deps.logger.warn(extra, message);
  };
  return async (c: Context, next: () => Promise<void>) => {
    if (deps.isDraining()) throw new HttpError(503, 'draining', 'server is shutting down');
    const origin = c.req.header('origin');
    if (deps.allowedOrigins.length > 0 && (!origin || !deps.allowedOrigins.includes(origin))) {
      trip('origin', 'refused a socket from an origin not in ALLOWED_ORIGINS', { origin: origin?.slice(0, 200) });
      throw new HttpError(403, 'origin_not_allowed', 'origin not allowed');
    }
    const { meta, claims } = await authorize(c, deps, 'view');
    if (deps.sockets.size >= deps.maxConnections) {
      trip('connections', 'server connection limit reached', { limit: deps.maxConnections });
      throw new HttpError(503, 'too_many_connections', 'too many connections');
    }
    const ip = remoteAddress(c);
    if ((perIp.get(ip) ?? 0) >= deps.maxConnectionsPerIp) {
      trip('connections_per_ip', 'per-address connection limit reached', { ip, limit: deps.maxConnectionsPerIp });
      throw new HttpError(503, 'too_many_connections', 'too many connections from this address');
    }
    if (!deps.registry.peek(meta.id) && deps.registry.size >= deps.maxOpenDocs) {
      trip('open_documents', 'open document limit reached', { limit: deps.maxOpenDocs });
      throw new HttpError(503, 'too_many_documents', 'too many documents open, try again later');
    }
    const log = deps.logger.child({ doc: meta.id });
    const upgrade = upgradeWebSocket(() => {
      let room: Room | undefined;
      let conn: Connection | null = null;
      let closed = false;
      let expiryTimer: NodeJS.Timeout | undefined;
      const queued: Uint8Array[] = [];
      let queuedBytes = 0;
      let flooded = false;
      return {
        onOpen(_event, ws) {
          const raw = ws.raw as WebSocket;
          deps.sockets.add(raw);
          perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
          deps.metrics.connections.set(deps.sockets.size);
          const socket = wrapSocket(raw, deps.maxBufferedBytes, () =>
            trip('buffered_bytes', 'dropping a socket that stopped reading', { limit: deps.maxBufferedBytes }),
          );
          if (claims.expiresAt !== undefined) {
            // [R4] A token that expires mid-session ends the session.
            const ms = Math.max(0, claims.expiresAt * 1000 - deps.now().getTime());
            expiryTimer = setTimeout(() => socket.close(CloseCode.TokenRevoked, 'token expired'), Math.min(ms, 2 ** 31 - 1));
            expiryTimer.unref();
          }
          deps.registry.acquire(meta.id).then(
            (acquired) => {
              if (closed) return deps.registry.release(acquired);
              room = acquired;
              conn = room.join(socket, { scope: claims.scope, generation: claims.generation });
              if (!conn) return;
              // Rotation may have happened while the room loaded.
              if (room.meta.linkGeneration !== claims.generation) {
                return socket.close(CloseCode.TokenRevoked, 'link reset');
              }
              log.debug({ conn: conn.id, scope: claims.scope }, 'connected');
              for (const frame of queued.splice(0)) room.receive(conn, frame);
            },
            (error: unknown) => {
              if (error instanceof CapacityError) {
                trip('open_documents', 'open document limit reached', { limit: deps.maxOpenDocs });
                return socket.close(CloseCode.TryAgainLater, 'too many documents open, try again later');
              }
              log.error({ err: error }, 'document could not be opened');
              deps.metrics.errors.inc({ kind: 'load' });
              socket.close(CloseCode.InternalError, 'document could not be opened');
            },
          );
        },
        onMessage(event, ws) {
          if (typeof event.data === 'string') {
            deps.metrics.errors.inc({ kind: 'malformed' });
            return ws.close(CloseCode.UnsupportedData, 'binary frames only');
          }
          const frame = new Uint8Array(event.data as ArrayBuffer);
          if (room && conn) return room.receive(conn, frame);
          if (closed || flooded) return;
          // [L4] Until the document is open, messages wait here, outside the room's rate limit: hold no more
          // than one burst, so a slow load cannot be used to pile up memory.
          queuedBytes += frame.byteLength;
          if (queued.length >= deps.maxQueuedMessages || queuedBytes > deps.maxQueuedBytes) {
            queued.length = 0;
            flooded = true;
            trip('message_rate', 'too much sent before the document was open', { messages: deps.maxQueuedMessages, bytes: deps.maxQueuedBytes });
            return ws.close(CloseCode.PolicyViolation, 'message rate limit exceeded');
          }
          queued.push(frame);
        },
        onClose(_event, ws) {
          closed = true;
          clearTimeout(expiryTimer);
          if (deps.sockets.delete(ws.raw as WebSocket)) {
            const left = (perIp.get(ip) ?? 1) - 1;
            if (left > 0) perIp.set(ip, left);
            else perIp.delete(ip);
          }
          deps.metrics.connections.set(deps.sockets.size);
          if (room) {
            if (conn) room.leave(conn);
            deps.registry.release(room);
          }
        },
      };
    });
    return upgrade(c, next);
  };
}

/** The peer's address as the TCP socket reports it (a reverse proxy's, behind one). */
function remoteAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
