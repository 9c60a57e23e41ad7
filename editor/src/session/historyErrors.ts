import { ApiError } from '../lib/api';

/** A history request's failure in words; `unavailable` when the server keeps no history (404). */
export function historyProblem(err: unknown, action: string): { message: string; unavailable: boolean } {
  if (err instanceof ApiError) {
    if (err.status === 404) return { message: 'This server keeps no history for this document.', unavailable: true };
    if (err.isNetwork) return { message: `Couldn’t ${action}: the server can’t be reached. Try again in a moment.`, unavailable: false };
    if (err.status === 403) return { message: `Your link does not allow you to ${action}.`, unavailable: false };
    if (err.status === 400 || err.status === 413) return { message: `Couldn’t ${action}: ${err.message}`, unavailable: false };
  }
  return { message: `Couldn’t ${action}. Try again.`, unavailable: false };
}
