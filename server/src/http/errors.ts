import type { Context } from 'hono';
import { TokenError } from '../auth/tokens.js';

/** A failure with an HTTP status and a stable machine-readable code; turned into JSON in one place. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const unknownDocument = () => new HttpError(404, 'unknown_document', 'no such document');
export const invalidDocId = () => new HttpError(400, 'invalid_id', 'not a valid document id');

/** The app's single error boundary: typed errors keep their status; anything else is a logged 500. */
export function toErrorResponse(error: unknown, c: Context, onUnexpected: (error: unknown) => void): Response {
  if (error instanceof HttpError) return c.json({ error: error.message, code: error.code }, error.status);
  if (error instanceof TokenError) return c.json({ error: error.message, code: error.code }, error.status);
  onUnexpected(error);
  return c.json({ error: 'internal error', code: 'internal' }, 500);
}
