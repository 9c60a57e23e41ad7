import { EXPORT_FORMATS, isExportFormat, readTitle } from '@tandem/common';
import { createVersionBody, requesterBody, revertBody, type RestoreResult, type RevertResult } from '@tandem/common/api';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Access, AuthorizeDeps } from '../auth/authorize.js';
import type { ChangeAuthor, ChangeSource } from '../history/entry.js';
import { requestAuthor } from '../history/request-author.js';
import { HistoryInputError, type RoomHistory } from '../history/room-history.js';
import type { LimitReporting } from '../limits.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { DocumentTooLargeError, type Room } from '../rooms/room.js';
import { authorizeRequest } from './access.js';
import { HttpError, badRequest } from './errors.js';
import { exportImageSrc, uploadSrcsIn, type ExportImageDeps } from './export-images.js';
import { exportOptions } from './export-options.js';
import { safeFilename } from './filenames.js';
import { sendBody } from './send-body.js';
import { parseJsonBody } from './json-body.js';
import { withRoom } from './with-room.js';

export interface HistoryRouteDeps extends AuthorizeDeps, LimitReporting, ExportImageDeps {
  registry: RoomRegistry;
}

const MAX_BODY_BYTES = 16 * 1024;

/**
 * The history routes [HI], mounted beside the document routes under `/api/docs`: versions (contract),
 * diffs, the timeline, attribution, restore and revert. Reading needs a view link; changing, an edit link.
 */
export function historyRoutes(deps: HistoryRouteDeps): Hono {
  const app = new Hono();
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, 'too_large', 'request body too large');
    },
  });

  /** Authorizes, then runs `fn` with the open document's history; 404 when history is off. */
  const withHistory = async <T>(c: Context, scope: 'view' | 'edit', fn: (history: RoomHistory, room: Room, access: Access) => Promise<T>) => {
    const access = await authorizeRequest(c, deps, scope);
    return withRoom(
      deps,
      access.meta.id,
      async (room) => {
        if (!room.history) throw new HttpError(404, 'history_off', 'history is switched off on this server');
        try {
          return await fn(room.history, room, access);
        } catch (error) {
          if (error instanceof HistoryInputError) {
            throw new HttpError(error.status, error.status === 404 ? 'unknown_version' : 'bad_request', error.message);
          }
          if (error instanceof DocumentTooLargeError) throw new HttpError(413, 'too_large', error.message);
          throw error;
        }
      },
      access.meta,
    );
  };

  app.get('/:id/versions', (c) => withHistory(c, 'view', async (history) => c.json({ versions: await history.list() })));

  app.post('/:id/versions', limitBody, async (c) => {
    const body = await parseJsonBody(c, createVersionBody);
    return withHistory(c, 'edit', async (history) => c.json(await history.createNamed(body.name), 201));
  });

  app.get('/:id/versions/:vid/export', async (c) => {
    const format = c.req.query('format') ?? 'markdown';
    if (!isExportFormat(format)) throw badRequest(`format must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`);
    const options = exportOptions(c);
    const { exportDoc } = await import('../export/export-doc.js');
    return withHistory(c, 'view', async (history, _room, access) => {
      const rendered = await history.render(c.req.param('vid'));
      try {
        const imageSrc = await exportImageSrc(deps, access.meta, options.images, uploadSrcsIn(rendered, access.meta.id));
        const result = exportDoc(rendered, format, { ...options, imageSrc });
        const name = safeFilename(readTitle(rendered)) || access.meta.id;
        c.header('Content-Disposition', `attachment; filename="${name}.${result.extension}"`);
        c.header('Content-Type', result.contentType);
        return sendBody(c, await result.body);
      } finally {
        rendered.destroy();
      }
    });
  });

  app.post('/:id/versions/:vid/restore', limitBody, async (c) => {
    const body = await parseJsonBody(c, requesterBody);
    return withHistory(c, 'edit', async (history, _room, access) => {
      const version = await history.restore(c.req.param('vid'), requester(access, body.author, 'restore'));
      return c.json({ version } satisfies RestoreResult);
    });
  });

  app.get('/:id/history', (c) => withHistory(c, 'view', async (history) => c.json(await history.timeline())));

  app.get('/:id/history/diff', (c) =>
    withHistory(c, 'view', async (history) => c.json(await history.diff(c.req.query('from') ?? 'start', c.req.query('to') ?? 'now'))),
  );

  app.get('/:id/history/attribution', (c) => withHistory(c, 'view', async (history) => c.json(await history.attribution())));

  app.post('/:id/history/revert', limitBody, async (c) => {
    const body = await parseJsonBody(c, revertBody);
    return withHistory(c, 'edit', async (history, _room, access) => {
      const version = await history.revert(body.target, Date.parse(body.since), requester(access, body.author, 'revert'));
      return c.json({ changed: version !== null, version } satisfies RevertResult);
    });
  });

  return app;
}

/**
 * [HI2] Who a request acts for: the name it gives (as a socket's awareness does — a label, never access),
 * the scope and generation its token proves, a session of its own.
 */
function requester(access: Access, author: { name: string; color?: string | null | undefined } | undefined, source: ChangeSource): ChangeAuthor {
  return requestAuthor({
    // [ID1] A token that names its holder stamps that name, whatever the request says.
    name: access.claims.name ?? (author?.name.replace(/\s+/g, ' ').trim() || 'Someone'),
    color: author?.color?.toLowerCase() ?? null,
    scope: access.claims.scope,
    generation: access.claims.generation,
    user: access.claims.sub ?? null,
    source,
  });
}
