/**
 * The write API [IM6]: `PUT /api/docs/:id/content` replaces the content (and the title, if given),
 * `POST /api/docs/:id/content` adds to it, `PUT /api/docs/:id/import` replaces it with an uploaded file.
 * Each is one change computed on a scratch copy and applied like a peer's (`Room.applyServerChange`): size
 * limit, durable append with a history entry by "API", live relay to connected peers.
 */
import { MAX_TITLE_LENGTH, readTitle } from '@tandem/common';
import { addContentBody, replaceContentBody, type ContentWritten } from '@tandem/common/api';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AuthorizeDeps } from '../auth/authorize.js';
import type { ChangeAuthor } from '../history/entry.js';
import type { ImportFormat } from '../import/formats.js';
import type { LimitReporting } from '../limits.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { DocStore } from '../storage/doc-store.js';
import { DocumentTooLargeError, type Room } from '../rooms/room.js';
import { authorizeRequest } from './access.js';
import { HttpError } from './errors.js';
import { apiAuthor, jsonImportLimit, parseContentJson, queryLabel, readUpload, uploadLimit } from './import-requests.js';
import { withRoom } from './with-room.js';

export interface ContentRouteDeps extends AuthorizeDeps, LimitReporting {
  registry: RoomRegistry;
  /** [IM3] Largest content one request may import (`IMPORT_MAX_BYTES`). */
  importMaxBytes: number;
  /** [IM7] Where imported images are stored, each held to `UPLOAD_MAX_BYTES` like an upload. */
  store: DocStore;
  uploadMaxBytes: number;
  /** `PUBLIC_URL`, under which an export names the document's own images [IM7]. */
  publicUrl: () => string;
}

/** The write routes, mounted beside the document routes under `/api/docs`; all need an edit link. */
export function contentRoutes(deps: ContentRouteDeps): Hono {
  const app = new Hono();
  const limitJson = jsonImportLimit(deps.importMaxBytes);
  const limitUpload = uploadLimit(deps.importMaxBytes);

  /** Reads the content (Tiptap loads on the first import only), then writes `change(room, root)` as one change. */
  const write = async (
    c: Context,
    read: () => Promise<{ format: ImportFormat; content: string | Uint8Array }>,
    change: (room: Room, root: import('@tiptap/pm/model').Node) => Uint8Array | null,
    author?: string,
  ) => {
    const access = await authorizeRequest(c, deps, 'edit');
    const { format, content } = await read();
    const { importContent } = await import('../import/import-content.js');
    const { root, uploads } = await importContent(format, content, deps.importMaxBytes, { docId: access.meta.id, uploadMaxBytes: deps.uploadMaxBytes, publicUrl: deps.publicUrl() });
    const by: ChangeAuthor = apiAuthor(access, author);
    return withRoom(
      deps,
      access.meta.id,
      async (room) => {
        const update = change(room, root);
        if (update) {
          try {
            // [IM7] Every refusal comes before the images are stored, and they are stored before the change
            // that points at them.
            room.assertCanApply(update);
            for (const upload of uploads) await deps.store.putUpload(access.meta.id, upload);
            await room.applyServerChange(update, by);
          } catch (error) {
            if (error instanceof DocumentTooLargeError) throw new HttpError(413, 'too_large', error.message);
            throw error;
          }
        }
        return c.json({ id: access.meta.id, title: readTitle(room.doc), changed: update !== null } satisfies ContentWritten);
      },
      access.meta,
    );
  };

  app.put('/:id/content', limitJson, async (c) => {
    let title: string | undefined;
    const { replaceContentChange } = await import('../import/write-content.js');
    return write(
      c,
      async () => {
        const body = await parseContentJson(c, replaceContentBody);
        title = body.title?.replace(/\s+/g, ' ').trim();
        return body;
      },
      (room, root) => replaceContentChange(room.doc, root, title),
    );
  });

  app.post('/:id/content', limitJson, async (c) => {
    let position: 'start' | 'end' = 'end';
    const { addContentChange } = await import('../import/write-content.js');
    return write(
      c,
      async () => {
        const body = await parseContentJson(c, addContentBody);
        position = body.position;
        return body;
      },
      (room, root) => addContentChange(room.doc, root, position),
    );
  });

  app.put('/:id/import', limitUpload, async (c) => {
    const title = queryLabel(c, 'title', MAX_TITLE_LENGTH);
    const author = queryLabel(c, 'author', 80);
    const { replaceContentChange } = await import('../import/write-content.js');
    return write(
      c,
      async () => {
        const { format, bytes } = await readUpload(c);
        return { format, content: bytes };
      },
      (room, root) => replaceContentChange(room.doc, root, title),
      author,
    );
  });

  return app;
}
