import { randomBytes } from 'node:crypto';
import { EXPORT_FORMATS, initialState, isExportFormat, readTitle, type Scope } from '@tandem/common';
import { createDocBody, type CreatedDoc, type DocInfo, type DocLinks } from '@tandem/common/api';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthorizeDeps } from '../auth/authorize.js';
import { signToken, type TokenKey } from '../auth/tokens.js';
import { reportLimitTrip } from '../limits.js';
import type { DocEvents } from '../doc-events.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import type { DocMeta, DocStore } from '../storage/doc-store.js';
import { authorizeRequest } from './access.js';
import { HttpError, badRequest } from './errors.js';
import { exportImageSrc, uploadSrcsIn } from './export-images.js';
import { exportOptions } from './export-options.js';
import { safeFilename } from './filenames.js';
import { sendBody } from './send-body.js';
import { parseJsonBody } from './json-body.js';
import { withRoom as withRoomLease } from './with-room.js';

export interface DocsRouteDeps extends AuthorizeDeps {
  /** Signs share links. */
  key: TokenKey;
  store: DocStore;
  registry: RoomRegistry;
  metrics: Metrics;
  logger: Logger;
  publicUrl: () => string;
  /**
   * [DEL4] Called once a document's delete is durable (the 204 follows): where a webhook or an audit log
   * plugs in. A throw is logged and changes nothing.
   */
  onDocumentDeleted?: ((id: string) => void) | undefined;
  events?: DocEvents | undefined;
}

/** Enforced while streaming (and from Content-Length up front), so a huge body is never buffered. */
const MAX_CREATE_BODY_BYTES = 64 * 1024;

/** 16 random bytes, base64url: 22 URL-safe characters nobody can guess. */
const newDocId = () => randomBytes(16).toString('base64url');

/** `POST /api/docs`, `GET` and `DELETE /api/docs/:id`, links, rotation and export. */
export function docsRoutes(deps: DocsRouteDeps): Hono {
  const app = new Hono();

  /** One token per scope at the document's current link generation, so a rotation replaces all three [R3]. */
  const links = async (meta: DocMeta): Promise<DocLinks> => {
    const now = deps.now();
    const sign = (scope: Scope) => signToken(deps.key, { docId: meta.id, scope, generation: meta.linkGeneration }, now);
    const [editToken, commentToken, viewToken] = await Promise.all([sign('edit'), sign('comment'), sign('view')]);
    const base = `${deps.publicUrl()}/d/${meta.id}#token=`;
    return {
      editUrl: base + editToken,
      viewUrl: base + viewToken,
      commentUrl: base + commentToken,
      editToken,
      viewToken,
      commentToken,
    };
  };

  const withRoom = <T>(id: string, fn: (room: Room) => T, meta?: DocMeta) => withRoomLease(deps, id, fn, meta);

  const limitBody = bodyLimit({
    maxSize: MAX_CREATE_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, 'too_large', 'request body too large');
    },
  });

  app.post('/', limitBody, async (c) => {
    const body = await parseJsonBody(c, createDocBody);
    const now = deps.now().toISOString();
    const meta: DocMeta = { id: newDocId(), createdAt: now, updatedAt: now, linkGeneration: 0 };
    await deps.store.create(meta);
    // The seed paragraph (and title) written by the server, so concurrent first typists share one paragraph.
    await deps.store.append(meta.id, initialState(body.title));
    await deps.store.flush(meta.id);
    await deps.store.release(meta.id);
    deps.events?.documentCreated(meta.id, { title: body.title ?? '' });
    return c.json({ id: meta.id, ...(await links(meta)) } satisfies CreatedDoc, 201);
  });

  app.get('/:id', async (c) => {
    const { meta, claims } = await authorizeRequest(c, deps, 'view');
    const title = await withRoom(meta.id, (room) => readTitle(room.doc), meta);
    const current = (await deps.registry.getMeta(meta.id)) ?? meta;
    return c.json({
      id: meta.id,
      title,
      createdAt: current.createdAt,
      updatedAt: current.updatedAt,
      scope: claims.scope,
      linkGeneration: current.linkGeneration,
    } satisfies DocInfo);
  });

  app.delete('/:id', async (c) => {
    const { meta } = await authorizeRequest(c, deps, 'edit');
    // [DEL4] Sockets here closed with 4404, the store's delete durable, the other instances told.
    await deps.registry.deleteDocument(meta.id);
    deps.logger.info({ doc: meta.id }, 'document deleted');
    try {
      deps.onDocumentDeleted?.(meta.id);
    } catch (error) {
      deps.logger.error({ doc: meta.id, err: error }, 'onDocumentDeleted failed');
    }
    return c.body(null, 204);
  });

  app.get('/:id/links', async (c) => {
    const { meta } = await authorizeRequest(c, deps, 'edit');
    return c.json(await links(meta));
  });

  app.post('/:id/links/rotate', async (c) => {
    const { meta } = await authorizeRequest(c, deps, 'edit');
    // Old tokens stop working now, including on sockets already open [R3].
    return c.json(await links(await deps.registry.rotateLinks(meta)));
  });

  app.get('/:id/export', async (c) => {
    const format = c.req.query('format') ?? 'markdown';
    if (!isExportFormat(format)) throw badRequest(`format must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`);
    const options = exportOptions(c);
    const { meta } = await authorizeRequest(c, deps, 'view');
    // Tiptap, ProseMirror and a DOM for HTML output weigh ~50 MB of heap: loaded on the first export only.
    const { exportDoc } = await import('../export/export-doc.js');
    const srcs = await withRoom(meta.id, (room) => uploadSrcsIn(room.doc, meta.id), meta);
    const imageSrc = await exportImageSrc(deps, meta, options.images, srcs);
    const { result, title } = await withRoom(meta.id, (room) => ({
      result: exportDoc(room.doc, format, { ...options, imageSrc }),
      title: readTitle(room.doc),
    }));
    const filename = `${safeFilename(title) || meta.id}.${result.extension}`;
    c.header('Content-Disposition', `attachment; filename="${filename}"`);
    c.header('Content-Type', result.contentType);
    return sendBody(c, await result.body);
  });

  return app;
}
