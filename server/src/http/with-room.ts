import { reportLimitTrip, type LimitReporting } from '../limits.js';
import { CapacityError, type RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import type { DocMeta } from '../storage/doc-store.js';
import { HttpError } from './errors.js';

export interface WithRoomDeps extends LimitReporting {
  registry: RoomRegistry;
}

/**
 * Runs `fn` on the open document, loading it for the duration if nobody has it open (a lease keeps it
 * loaded until `fn` settles). `meta`, what authorization read, spares the load reading it again.
 */
export async function withRoom<T>(deps: WithRoomDeps, id: string, fn: (room: Room) => T | Promise<T>, meta?: DocMeta): Promise<T> {
  const room = await deps.registry.acquire(id, meta).catch((error: unknown) => {
    // [L6] A full server refuses HTTP readers as it refuses sockets: 503, not an internal error.
    if (!(error instanceof CapacityError)) throw error;
    reportLimitTrip(deps, 'open_documents', 'open document limit reached');
    throw new HttpError(503, 'too_many_documents', 'too many documents open, try again later');
  });
  try {
    return await fn(room);
  } finally {
    deps.registry.release(room);
  }
}
