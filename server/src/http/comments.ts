import type { CommentList, ThreadInfo } from '@tandem/common/api';
import { Hono } from 'hono';
import type { AuthorizeDeps } from '../auth/authorize.js';
import { readThreads, type ThreadReading } from '../comments/read-threads.js';
import { authorizeRequest } from './access.js';
import { withRoom, type WithRoomDeps } from './with-room.js';

export interface CommentsRouteDeps extends AuthorizeDeps, WithRoomDeps {
  registry: WithRoomDeps['registry'];
}

/** `GET /api/docs/:id/comments` (view) [CM5]: the document's threads, in document order. */
export function commentsRoutes(deps: CommentsRouteDeps): Hono {
  const app = new Hono();
  app.get('/:id/comments', async (c) => {
    const { meta } = await authorizeRequest(c, deps, 'view');
    const threads = await withRoom(deps, meta.id, (room) => readThreads(room.doc), meta);
    return c.json({ threads: threads.map(threadInfo) } satisfies CommentList);
  });
  return app;
}

function threadInfo(thread: ThreadReading): ThreadInfo {
  return {
    id: thread.id,
    quote: thread.quote,
    resolved: thread.resolved,
    detached: thread.detached,
    comments: thread.comments.map((comment) => ({ ...comment, createdAt: isoTime(comment.createdAt) })),
  };
}

/** HTTP answers carry ISO-8601 times; a stored time no Date can hold reads as the epoch. */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}
