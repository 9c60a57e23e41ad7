import { createAdaptorServer } from '@hono/node-server';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApp } from './app.js';
import { importTokenKey, TokenVerifier } from './auth/tokens.js';
import { collabRoute, type CollabRoute } from './collab/route.js';
import { refuseSocket, startKeepAlive } from './collab/socket.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { CloseCode } from './protocol/close-codes.js';
import { RoomRegistry } from './rooms/registry.js';
import { resolveSecret } from './secret.js';
import type { DocStore } from './storage/doc-store.js';
import { openConfiguredStore } from './storage/open-store.js';
import { createRedisBus, type ClusterBus } from './cluster/redis-bus.js';

const DEFAULT_EDITOR_DIST = fileURLToPath(new URL('../../editor/dist', import.meta.url));

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (or the bound host). */
  url: string;
  port: number;
  registry: RoomRegistry;
  store: DocStore;
  /** [S1] Refuse new sockets, close open ones with 1001, final-write every document, stop. */
  close(): Promise<void>;
}

/** HTTP timeouts [L8]. Not configuration: only tests shorten them. */
export interface HttpTimeouts {
  /** The whole request head must arrive within this. */
  headersMs: number;
  /** The whole request (head and body) must arrive within this. */
  requestMs: number;
  /** How often Node checks the two above; a stalled request is cut off at most this much late. */
  checkIntervalMs: number;
}

const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, checkIntervalMs: 1_000 };

export interface StartOptions {
  editorDist?: string;
  store?: DocStore;
  /** Internal (tests only): shorter HTTP timeouts than the [L8] defaults. */
  httpTimeouts?: Partial<HttpTimeouts>;
}

/** Builds everything from a validated config and starts listening. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  // Imported once: no signature check or mint imports the secret again.
  const key = await importTokenKey(await resolveSecret(config.SECRET, config.DATA_DIR));
  const tokens = new TokenVerifier(key);
  const metrics = createMetrics();
  const configured = options.store
    ? { store: options.store, kind: 'file' as const, healthy: () => true }
    : await openConfiguredStore({
        dataDir: config.DATA_DIR,
        databaseUrl: config.DATABASE_URL,
        poolSize: config.DATABASE_POOL_SIZE,
        fsyncIntervalMs: config.FSYNC_INTERVAL_MS,
        logger,
      });
  const { store } = configured;
  const cluster: ClusterBus | undefined = config.REDIS_URL
    ? await createRedisBus({ url: config.REDIS_URL, logger, metrics })
    : undefined;
  const registry = new RoomRegistry({
    cluster,
    store,
    logger,
    metrics,
    idleMs: config.ROOM_IDLE_MS,
    maxOpenDocs: config.MAX_OPEN_DOCS,
    limits: {
      maxDocBytes: config.MAX_DOC_BYTES,
      maxConnectionsPerDoc: config.MAX_CONNECTIONS_PER_DOC,
      maxMessagesPerSecond: config.MAX_MESSAGES_PER_SECOND,
      compactAfterBytes: config.COMPACT_AFTER_BYTES,
    },
  });
  const sockets = new Set<WebSocket>();
  let draining = false;
  let publicUrl = config.PUBLIC_URL;
  // `sockets` tracks the open sockets: ws need not keep its own set (and a close listener per socket).
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: config.MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const now = () => new Date();
  const collab = collabRoute({
    tokens,
    registry,
    logger,
    metrics,
    wss,
    maxConnections: config.MAX_CONNECTIONS,
    maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
    maxOpenDocs: config.MAX_OPEN_DOCS,
    maxBufferedBytes: config.MAX_BUFFERED_BYTES,
    // One burst of the rate limit [L4], and two full-size messages (a sync step2 plus change).
    maxQueuedMessages: 2 * config.MAX_MESSAGES_PER_SECOND,
    maxQueuedBytes: 2 * config.MAX_MESSAGE_BYTES,
    allowedOrigins: config.ALLOWED_ORIGINS,
    sockets,
    isDraining: () => draining,
    now,
  });
  const app = createApp({
    key,
    tokens,
    store,
    registry,
    logger,
    metrics,
    publicUrl: () => publicUrl,
    editorDist: options.editorDist ?? DEFAULT_EDITOR_DIST,
    collab: collab.handler,
    isDraining: () => draining,
    readiness: () => ({
      ...(configured.kind === 'postgres' ? { database: configured.healthy() } : {}),
      ...(cluster ? { redis: cluster.ready } : {}),
    }),
    now,
  });
  const trip = (limit: string, message: string, extra: object = {}) => {
    metrics.limitTrips.inc({ limit });
    logger.warn({ limit, ...extra }, message);
  };
  // [H1] With a 'wsClientError' listener ws leaves the socket to us: answer like ws would, then close it.
  wss.on('wsClientError', (error, socket) => {
    metrics.errors.inc({ kind: 'malformed_handshake' });
    logger.warn({ err: error.message }, 'rejected a malformed websocket handshake');
    refuseSocket(socket, 400);
  });
  // [L8] Node checks these timeouts only every `connectionsCheckingInterval` (30 s by default), so a stalled
  // request head could otherwise hold its socket for up to 40 s instead of 10.
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.httpTimeouts };
  const server = createAdaptorServer({
    fetch: app.fetch,
    hostname: config.HOST,
    websocket: { server: wss },
    serverOptions: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
  }) as HttpServer;
  // [L8] A 'clientError' listener replaces Node's own answer (408, 431, 400), so give the same answer, and count
  // the limits that tripped.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (status === 408) trip('request_timeout', 'cut off a request that did not arrive in time');
    else if (status === 431) trip('header_size', 'refused a request with oversized headers');
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent && error.code !== 'ECONNRESET') refuseSocket(socket, status);
    else socket.destroy();
  });
  guardUpgrades(server, collab, (status) => {
    if (status === 431) trip('header_count', 'refused an upgrade with more headers than the server reads');
    else metrics.errors.inc({ kind: 'malformed_handshake' });
  });
  // A socket-level error (e.g. a frame over maxPayload) is answered by ws with a close code; count and log it.
  // One listener shared by every socket.
  const onSocketError = (error: Error & { code?: string }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || error.code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') {
      // [L1] A message (or one frame's declared length) over the limit: ws closes the socket with 1009.
      trip('message_size', 'closed a socket that sent a message over MAX_MESSAGE_BYTES', { max: config.MAX_MESSAGE_BYTES });
      metrics.errors.inc({ kind: 'too_big' });
      return;
    }
    metrics.errors.inc({ kind: 'socket' });
    logger.warn({ err: error.message, code: error.code }, 'socket error');
  };
  wss.on('connection', (ws) => ws.on('error', onSocketError));
  const stopKeepAlive = startKeepAlive(sockets, config.PING_INTERVAL_MS);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  publicUrl ||= `http://localhost:${port}`;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  logger.info({ port, host: config.HOST, dataDir: config.DATA_DIR, publicUrl }, 'tandem listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      stopKeepAlive();
      server.close();
      const open = [...sockets];
      await Promise.all(
        open.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close(CloseCode.GoingAway, 'server shutting down');
              // A peer that does not answer the close handshake is cut off.
              setTimeout(() => {
                ws.terminate();
                resolve();
              }, 1000).unref();
            }),
        ),
      );
      await registry.closeAll();
      await cluster?.close();
      await store.close();
      server.closeAllConnections();
      logger.info('tandem stopped');
    })());

  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, registry, store, close };
}

/** A WebSocket handshake from a browser carries about 15 headers; a proxy adds a few. */
const MAX_UPGRADE_HEADERS = 100;

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
