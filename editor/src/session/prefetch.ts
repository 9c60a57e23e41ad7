import { type DocInfo, api } from '../lib/api';
import { parseRoute } from '../lib/links';
import { browserStore, findRecent } from '../lib/recentDocs';

/**
 * Opening a document needs two things: the editor code (the big chunk) and the server's answer to
 * `GET /api/docs/:id`. Asking the server while the chunk downloads takes that request off the critical
 * path; the document page picks the answer up from here instead of asking again.
 */

let pending: { id: string; token: string; promise: Promise<DocInfo> } | null = null;

export function prefetchCurrentDoc(location: Pick<Location, 'pathname' | 'hash'>): void {
  const route = parseRoute(location.pathname, location.hash);
  if (route.kind !== 'doc') return;
  const token = route.token ?? findRecent(browserStore(), route.id)?.token;
  if (!token) return;
  const promise = api.getDoc(route.id, token);
  promise.catch(() => undefined); // handled by whoever takes it; never an unhandled rejection
  pending = { id: route.id, token, promise };
}

/** The prefetched answer for exactly this document and token, once; null if there is none. */
export function takePrefetched(id: string, token: string): Promise<DocInfo> | null {
  if (!pending || pending.id !== id || pending.token !== token) return null;
  const { promise } = pending;
  pending = null;
  return promise;
}
