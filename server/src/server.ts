import { createAdaptorServer } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApp } from './app.js';
import { createIdentity } from './auth/identity.js';
import { FileUserDocIndex } from './auth/user-docs/index-file.js';
import { importTokenKey, TokenVerifier } from './auth/tokens.js';
import { collabRoute } from './collab/route.js';
import { startKeepAlive } from './collab/socket.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { RoomRegistry } from './rooms/registry.js';
import { MemoryReturn } from './runtime/memory-return.js';
import { serverPackage } from './runtime/package-root.js';
import { shutdown } from './runtime/shutdown.js';
import { resolveSecret } from './secret.js';
import type { DocStore } from './storage/doc-store.js';
import { openConfiguredStore } from './storage/open-store.js';
import type { ClusterBus } from './cluster/redis-bus.js';
import { compileProxyTrust } from './transport/client-address.js';
import { guardHttpServer } from './transport/http-guards.js';
import { guardWebSockets } from './transport/ws-guards.js';
import { webhooksFromConfig } from './webhooks/from-config.js';
import type { Webhooks } from './webhooks/webhooks.js';

/** The editor's build beside the server package (`editor/dist`), as the repository and the Docker image lay them out. */
const defaultEditorDist = (): string => join(serverPackage().dir, '../editor/dist');

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (or the bound host). */
  url: string;
  port: number;
  registry: RoomRegistry;
  store: DocStore;
  /** Every route the app registered (method and Hono path), for checking the OpenAPI description [API1]. */
  routes: readonly { method: string; path: string }[];
  /** [WH] The webhooks, when configured: `webhooks.documentDeleted(id)` reports a deletion. */
  webhooks: Webhooks | null;
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
  /** [DEL4] Called once a document's delete is durable: where a webhook or an audit log plugs in. */
  onDocumentDeleted?: (id: string) => void;
}

/** Builds everything from a validated config and starts listening. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  // Imported once for minting, so no mint imports the secret again; checks use the raw secret synchronously.
  const secret = await resolveSecret(config.SECRET, config.DATA_DIR);
  const key = await importTokenKey(secret);
  const tokens = new TokenVerifier(secret);
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
    ? // Loaded only when configured: the Redis client is ~9 MB of an embedded server's idle memory.
      await (await import('./cluster/redis-bus.js')).RedisBus.connect({ url: config.REDIS_URL, logger, metrics })
    : undefined;
  // [WH] Null when no WEBHOOK_URL is set: then no room even looks for new comments.
  const webhooks = webhooksFromConfig(config, { metrics, logger });
  const registry = new RoomRegistry({
    cluster,
    events: webhooks ?? undefined,
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
    history:
      config.HISTORY === 'on'
        ? {
            idleMs: config.HISTORY_IDLE_MS,
            maxIntervalMs: config.HISTORY_MAX_INTERVAL_MS,
            thinAfterDays: config.HISTORY_THIN_AFTER_DAYS,
          }
        : null,
  });
  // [U4] Returning memory after documents close is process-wide: it follows the registry, which knows nothing of it.
  const memoryReturn = new MemoryReturn(logger, { roomIdleMs: config.ROOM_IDLE_MS, isEmpty: () => registry.isEmpty });
  registry.on('loaded', (open) => memoryReturn.loaded(open));
  registry.on('unloaded', (open) => memoryReturn.unloaded(open));
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
    trustProxy: compileProxyTrust(config.TRUST_PROXY),
    sockets,
    isDraining: () => draining,
    requireSignIn: config.LINKS_REQUIRE_SIGN_IN,
    now,
  });
  const userDocs = configured.userDocs ?? new FileUserDocIndex(config.DATA_DIR);
  const app = createApp({
    key,
    tokens,
    store,
    registry,
    logger,
    metrics,
    publicUrl: () => publicUrl,
    editorDist: options.editorDist ?? defaultEditorDist(),
    collab: collab.handler,
    isDraining: () => draining,
    readiness: () => ({
      ...(configured.kind === 'postgres' ? { database: configured.healthy() } : {}),
      ...(cluster ? { redis: cluster.ready } : {}),
    }),
    metricsToken: config.METRICS_TOKEN,
    onDocumentDeleted: (id) => {
      // [DEL1][ID7] Nothing of a deleted document stays under DATA_DIR: not even its id in someone's list.
      userDocs.forgetEverywhere(id).catch((error: unknown) => logger.error({ doc: id, err: error }, 'could not remove a deleted document from the personal lists'));
      webhooks?.documentDeleted(id);
      options.onDocumentDeleted?.(id);
    },
    identity: createIdentity(config, {
      key,
      tokens,
      registry,
      metrics,
      index: userDocs,
      publicUrl: () => publicUrl,
      logger,
      now,
    }),
    requireSignIn: config.LINKS_REQUIRE_SIGN_IN,
    events: webhooks ?? undefined,
    now,
    uploadMaxBytes: config.UPLOAD_MAX_BYTES,
    uploadQuota: { maxBytes: config.UPLOAD_DOC_MAX_BYTES, maxFiles: config.UPLOAD_DOC_MAX_FILES },
    importMaxBytes: config.IMPORT_MAX_BYTES,
    maxDocBytes: config.MAX_DOC_BYTES,
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
  guardHttpServer(server, collab, { metrics, logger });
  guardWebSockets(wss, { metrics, logger, maxMessageBytes: config.MAX_MESSAGE_BYTES });
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
  const close = () => {
    draining = true;
    return (closing ??= shutdown({ stopKeepAlive, server, sockets, registry, memoryReturn, cluster, webhooks, store, logger }));
  };

  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, registry, store, routes: app.routes.map(({ method, path }) => ({ method, path })), webhooks, close };
}
