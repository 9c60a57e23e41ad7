import { createAdaptorServer } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApp } from './app.js';
import { startKeepAlive } from './collab/socket.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { CloseCode } from './protocol/close-codes.js';
import { RoomRegistry } from './rooms/registry.js';
import { resolveSecret } from './secret.js';
import type { DocStore } from './storage/doc-store.js';
import { createFileStore } from './storage/file-store.js';

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

/** Builds everything from a validated config and starts listening. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: { editorDist?: string; store?: DocStore } = {},
): Promise<RunningServer> {
  const key = await resolveSecret(config.SECRET, config.DATA_DIR);
  const metrics = createMetrics();
  const store = options.store ?? (await createFileStore({ dataDir: config.DATA_DIR, fsyncIntervalMs: config.FSYNC_INTERVAL_MS, logger }));
  const registry = new RoomRegistry({
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
  const app = createApp({
    key,
    store,
    registry,
    logger,
    metrics,
    publicUrl: () => publicUrl,
    editorDist: options.editorDist ?? DEFAULT_EDITOR_DIST,
    maxConnections: config.MAX_CONNECTIONS,
    maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
    maxOpenDocs: config.MAX_OPEN_DOCS,
    maxBufferedBytes: config.MAX_BUFFERED_BYTES,
    allowedOrigins: config.ALLOWED_ORIGINS,
    sockets,
    isDraining: () => draining,
    now: () => new Date(),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.MAX_MESSAGE_BYTES, perMessageDeflate: false });
  wss.on('wsClientError', (error) => logger.warn({ err: error.message }, 'rejected a malformed websocket handshake'));
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.HOST, websocket: { server: wss } }) as HttpServer;
  // Slow or stalled HTTP requests (and upgrade handshakes) must not hold sockets open indefinitely.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // A socket-level error (e.g. a frame over maxPayload) is answered by ws with a close code; just log it.
  wss.on('connection', (ws) => {
    ws.on('error', (error) => {
      metrics.errors.inc({ kind: error.message.includes('Max payload') ? 'too_big' : 'socket' });
      logger.warn({ err: error.message }, 'socket error');
    });
  });
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
      await store.close();
      server.closeAllConnections();
      logger.info('tandem stopped');
    })());

  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, registry, store, close };
}
