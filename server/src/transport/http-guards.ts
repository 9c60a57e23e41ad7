import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CollabRoute } from '../collab/route.js';
import { refuseSocket } from '../collab/socket.js';
import { reportLimitTrip, type LimitReporting } from '../limits.js';

/**
 * The Node HTTP server's edge, before either the Hono app or the collaboration route sees a request: it answers
 * what Node would leave hanging or answer silently. Transport-level, so it lives above both `http/` and
 * `collab/` (it hands upgrades to the collaboration route) and only server.ts imports it.
 */

/** A WebSocket handshake from a browser carries about 15 headers; a proxy adds a few. */
const MAX_UPGRADE_HEADERS = 100;

/**
 * Installs the server's 'clientError' answer [L8] and its single 'upgrade' listener [H1]. Call once the
 * Hono adapter has added its own 'upgrade' listener (`createAdaptorServer` does).
 */
export function guardHttpServer(server: HttpServer, collab: CollabRoute, deps: LimitReporting): void {
  answerClientErrors(server, deps);
  guardUpgrades(server, collab, (status) => {
    if (status === 431) reportLimitTrip(deps, 'header_count', 'refused an upgrade with more headers than the server reads');
    else deps.metrics.errors.inc({ kind: 'malformed_handshake' });
  });
}

/**
 * [L8] A 'clientError' listener replaces Node's own answer (408, 431, 400), so give the same answer, and count
 * the limits that tripped.
 */
function answerClientErrors(server: HttpServer, deps: LimitReporting): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (status === 408) reportLimitTrip(deps, 'request_timeout', 'cut off a request that did not arrive in time');
    else if (status === 431) reportLimitTrip(deps, 'header_size', 'refused a request with oversized headers');
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent && error.code !== 'ECONNRESET') refuseSocket(socket, status);
    else socket.destroy();
  });
}

/**
 * [H1] No socket is held before authentication. Node hands every request carrying `Connection: Upgrade` to
 * the 'upgrade' listener and then applies no timeout to it, so this listener answers every one:
 * - an upgrade to anything but `websocket` is ignored by the Hono adapter and would stay open forever: 400;
 * - a request with more headers than Node reads (`maxHeadersCount`; in practice about 1000) has the extra ones
 *   silently dropped, which may hide its Upgrade or Sec-WebSocket-Key header (the handshake of ws
 *   CVE-2024-37890): upgrades with more than MAX_UPGRADE_HEADERS headers, far above what browsers and
 *   proxies send and far below where Node starts dropping, are answered 431;
 * - `GET /collab/<id>` is checked and upgraded by the collaboration route itself, which closes every socket
 *   it refuses;
 * - anything else goes to the Hono adapter's listener, which answers with the app's status and never upgrades
 *   (no route uses its WebSocket helper), and leaves a half-open peer connected: the socket is destroyed once
 *   that answer is flushed.
 * The adapter's listener must stay the only one: it answers refusals only when `listenerCount('upgrade')` is 1.
 */
function guardUpgrades(server: HttpServer, collab: CollabRoute, onRefused: (status: number) => void): void {
  type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  const listeners = server.listeners('upgrade') as UpgradeListener[];
  if (listeners.length !== 1) throw new Error(`expected one upgrade listener, found ${listeners.length}`);
  const route = listeners[0]!;
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const status =
      request.rawHeaders.length / 2 > MAX_UPGRADE_HEADERS ? 431 : request.headers.upgrade?.toLowerCase() !== 'websocket' ? 400 : 0;
    if (status !== 0) {
      socket.on('error', () => undefined);
      onRefused(status);
      return refuseSocket(socket, status);
    }
    if (collab.upgrade(request, socket, head)) return;
    socket.once('finish', () => socket.destroy());
    route.call(server, request, socket, head);
  });
}
