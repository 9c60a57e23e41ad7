import { Hono, type MiddlewareHandler } from 'hono';
import type { Identity } from './auth/identity.js';
import type { TokenKey, TokenVerifier } from './auth/tokens.js';
import type { DocEvents } from './doc-events.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { RoomRegistry } from './rooms/registry.js';
import type { DocStore, UploadQuota } from './storage/doc-store.js';
import { commentsRoutes } from './http/comments.js';
import { contentRoutes } from './http/content.js';
import { docsRoutes } from './http/docs.js';
import { historyRoutes } from './http/history.js';
import { HttpError, toErrorResponse } from './http/errors.js';
import { openApiRoute } from './http/openapi/route.js';
import { opsRoutes } from './http/ops.js';
import { staticRoutes, wantsHtmlPage } from './http/static.js';
import { uploadsRoutes } from './http/uploads.js';

export interface AppDeps {
  /** Signs share links. */
  key: TokenKey;
  /** Verifies them (with the same key). */
  tokens: TokenVerifier;
  store: DocStore;
  registry: RoomRegistry;
  logger: Logger;
  metrics: Metrics;
  /** Base of share links; a function because with PORT=0 it is known only once listening. */
  publicUrl: () => string;
  editorDist: string;
  /** `GET /collab/:id` as plain HTTP (the collaboration route's checks; sockets are upgraded by server.ts). */
  collab: MiddlewareHandler;
  isDraining: () => boolean;
  /** [CL3] The engines this instance depends on, each true while reachable (empty in the embedded setup). */
  readiness: () => Record<string, boolean>;
  /** When set, `/metrics` needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  /** [DEL4] Called once a document's delete is durable (for webhooks, audit). */
  onDocumentDeleted?: ((id: string) => void) | undefined;
  /** [ID] Sign-in routes, who may create documents, the signed-in person of a request. */
  identity: Identity;
  /** [ID8] Share links open only with a token that names a person. */
  requireSignIn: boolean;
  /** [WH2] Who hears of created (and deleted) documents; absent: nobody. */
  events?: DocEvents | undefined;
  now: () => Date;
  /** [UP1] `UPLOAD_MAX_BYTES`. */
  uploadMaxBytes: number;
  /** [UP9] `UPLOAD_DOC_MAX_FILES` and `UPLOAD_DOC_MAX_BYTES`. */
  uploadQuota: UploadQuota;
  /** [IM3] Largest content one request may import (`IMPORT_MAX_BYTES`). */
  importMaxBytes: number;
  /** [L2] The document size limit (`MAX_DOC_BYTES`), which an imported document must fit too. */
  maxDocBytes: number;
}

/** All routes, wired to what they need; no module-level state. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono({ strict: true });
  app.onError((error, c) =>
    toErrorResponse(error, c, (unexpected) => {
      deps.metrics.errors.inc({ kind: 'internal' });
      deps.logger.error({ err: unexpected, method: c.req.method, path: c.req.path }, 'request failed');
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    // [H1] Sockets open only at /collab/<id> (transport/http-guards.ts). Any other WebSocket upgrade reaches
    // the app as an ordinary request, after the same checks; a path like `/collab/..` normalises to `/`, whose
    // page must not be the answer to a peer waiting to switch protocols: every one ends in a 4xx.
    if (c.req.header('upgrade')?.toLowerCase() === 'websocket' && c.res.status < 400) {
      c.res = c.json({ error: 'no WebSocket at this address', code: 'not_found' }, 404);
    }
  });
  app.route('/', openApiRoute(deps.publicUrl));
  // [ID4] Who may create documents, whether empty, from JSON content or from an uploaded file [IM].
  app.post('/api/docs', deps.identity.createDocs);
  app.post('/api/docs/import', deps.identity.createDocs);
  app.route('/', deps.identity.routes);
  app.route('/api/docs', docsRoutes(deps));
  app.route('/api/docs', historyRoutes(deps));
  app.route('/api/docs', commentsRoutes(deps));
  app.route('/api/docs', uploadsRoutes(deps));
  app.route('/api/docs', contentRoutes(deps));
  app.get('/collab/:id', deps.collab);
  app.route('/', opsRoutes(deps));
  const pages = staticRoutes(deps.editorDist);
  app.route('/', pages.routes);
  app.notFound((c) => {
    // A person who mistyped an address gets the app's own page; programs get JSON.
    if (wantsHtmlPage(c)) return pages.notFoundPage(c);
    throw new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`);
  });
  return app;
}
