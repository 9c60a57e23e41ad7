import { randomBytes } from 'node:crypto';
import { EXPORT_FORMATS, MAX_TITLE_LENGTH, initialState, isExportFormat, readTitle, type Scope } from '@tandem/common';
import { createDocBody, type CreatedDoc, type DocInfo, type DocLinks } from '@tandem/common/api';
import { Hono } from 'hono';
import type { AuthorizeDeps } from '../auth/authorize.js';
import { signToken, type TokenKey } from '../auth/tokens.js';
import { reportLimitTrip } from '../limits.js';
import type { DocEvents } from '../doc-events.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import type { ImportFormat } from '../import/formats.js';
import type { DocMeta, DocStore, StoredUpload } from '../storage/doc-store.js';
import { authorizeRequest } from './access.js';
import { HttpError, badRequest } from './errors.js';
import { exportImageSrc, uploadSrcsIn } from './export-images.js';
import { exportOptions } from './export-options.js';
import { safeFilename } from './filenames.js';
import { sendBody } from './send-body.js';
import { parseJsonBody } from './json-body.js';
import { jsonImportLimit, parseContentJson, queryLabel, readUpload, uploadLimit } from './import-requests.js';
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
  /** [IM3] Largest content one request may import (`IMPORT_MAX_BYTES`). */
  importMaxBytes: number;
  /** [IM7] Each image an import stores is held to `UPLOAD_MAX_BYTES`, as an upload is. */
  uploadMaxBytes: number;
  /** [L2] An imported document larger than this as Yjs state is refused (413). */
  maxDocBytes: number;
}

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

  /**
   * Stores a new document whose first update is `initial` (with the uploads it points at), and answers with
   * its links. A failure once the document exists deletes it again, uploads included [IM5][IM7].
   */
  const create = async (initial: Uint8Array, title: string, id = newDocId(), uploads: StoredUpload[] = []): Promise<CreatedDoc> => {
    // [L2][IM5] Checked before anything exists: a refused import leaves nothing behind.
    if (initial.byteLength > deps.maxDocBytes) throw new HttpError(413, 'too_large', 'the imported document is larger than the document size limit');
    const now = deps.now().toISOString();
    const meta: DocMeta = { id, createdAt: now, updatedAt: now, linkGeneration: 0 };
    await deps.store.create(meta);
    try {
      // [IM7] The images first: the content that points at them is never stored without them.
      for (const upload of uploads) await deps.store.putUpload(meta.id, upload);
      // The seed paragraph (and title) written by the server, so concurrent first typists share one paragraph.
      await deps.store.append(meta.id, initial);
      await deps.store.flush(meta.id);
      await deps.store.release(meta.id);
    } catch (error) {
      await deps.store.delete(meta.id).catch((cleanup: unknown) => deps.logger.error({ doc: meta.id, err: cleanup }, 'could not delete a document whose creation failed'));
      throw error;
    }
    deps.events?.documentCreated(meta.id, { title });
    return { id: meta.id, ...(await links(meta)) };
  };

  /**
   * [IM1] Reads imported content into the first update of the document `id` will name, and the images it
   * holds as uploads of that document [IM7] (Tiptap loads on the first import only).
   */
  const importedDoc = async (id: string, format: ImportFormat, content: string | Uint8Array, title: string | undefined) => {
    const [{ importContent }, { importedState }] = await Promise.all([import('../import/import-content.js'), import('../import/write-content.js')]);
    const imported = await importContent(format, content, deps.importMaxBytes, { docId: id, uploadMaxBytes: deps.uploadMaxBytes, publicUrl: deps.publicUrl() });
    return { initial: importedState(imported.root, title ?? imported.title), uploads: imported.uploads };
  };

  /** A new document holding imported content. */
  const createImported = async (format: ImportFormat, content: string | Uint8Array, title: string | undefined) => {
    const id = newDocId();
    const { initial, uploads } = await importedDoc(id, format, content, title);
    return create(initial, title ?? '', id, uploads);
  };

  // [IM1] A JSON body may carry content to import; without it, as before, the document holds the seed paragraph.
  app.post('/', jsonImportLimit(deps.importMaxBytes), async (c) => {
    const body = await parseContentJson(c, createDocBody);
    if (body.content !== undefined && body.format) return c.json(await createImported(body.format, body.content, body.title), 201);
    return c.json(await create(initialState(body.title), body.title ?? ''), 201);
  });

  // [IM3] A file upload: the body is the file, its Content-Type the format.
  app.post('/import', uploadLimit(deps.importMaxBytes), async (c) => {
    const title = queryLabel(c, 'title', MAX_TITLE_LENGTH);
    const { format, bytes } = await readUpload(c);
    return c.json(await createImported(format, bytes, title), 201);
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
