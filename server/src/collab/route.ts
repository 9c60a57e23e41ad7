import { DOC_ID_CHARS } from '@tandem/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context, Next } from 'hono';
import type { WebSocket, WebSocketServer } from 'ws';
import { authorize, bearerToken, type AuthorizeDeps } from '../auth/authorize.js';
import { reportLimitTrip } from '../limits.js';
import { clientAddress, type ProxyTrust } from '../transport/client-address.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { tokenFrom } from '../http/access.js';
import { HttpError, toErrorAnswer } from '../http/errors.js';
import { AddressLimiter } from './address-limiter.js';
import { CollabSocket, type Admission, type CollabSocketDeps } from './collab-socket.js';
import { refuseSocket } from './socket.js';

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
  /** Which peers are reverse proxies whose `X-Forwarded-For` names the client [L7]. */
  trustProxy: ProxyTrust;
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

/** The request target sockets are accepted on: `/collab/<id>` as clients write it, with an optional query. */
// Any run of id characters: a wrong length still gets the [H1] answer (400), from `authorize`.
const SOCKET_TARGET = new RegExp(`^/collab/(${DOC_ID_CHARS}+)(?:\\?([^#]*))?$`);

const ignoreError = () => undefined;

/**
 * `/collab/:id` — [H1] everything that can be refused is refused before the upgrade (400/401/403/404/503),
 * so an unauthorised client never holds a socket. An admitted socket is a `CollabSocket` until it closes.
 *
 * Upgrades are taken straight from the HTTP server's 'upgrade' event, not through Hono: an open socket then
 * keeps only what it needs (the WebSocket, its room and connection, the claims), not the upgrade request,
 * a Hono context or URL objects.
 */
export function collabRoute(deps: CollabDeps): CollabRoute {
  const addresses = new AddressLimiter(deps.maxConnectionsPerIp);
  const trip = (limit: string, message: string, extra?: object) => reportLimitTrip(deps, limit, message, extra);
  const socketDeps: CollabSocketDeps = {
    ...deps,
    addresses,
    onSlowReader: () => trip('buffered_bytes', 'dropping a socket that stopped reading', { max: deps.maxBufferedBytes }),
  };

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
    if (addresses.isFull(ip)) {
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
    const ip = clientAddress(request, deps.trustProxy);
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
      CollabSocket.open(ws, socket, admission, socketDeps);
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
      await admit(c.req.param('id') ?? '', tokenFrom(c), c.req.header('origin'), remoteAddress(c, deps.trustProxy));
      await next();
    },
  };
}

/** The client's address (see `clientAddress`): the TCP peer's, or what a trusted proxy says it is. */
function remoteAddress(c: Context, trust: ProxyTrust): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming ? clientAddress(incoming, trust) : 'unknown';
}
