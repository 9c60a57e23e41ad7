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

/** The JSON body and status every refusal is answered with (HTTP routes and socket upgrades alike). */
export interface ErrorAnswer {
  status: HttpError['status'];
  body: { error: string; code: string };
}

/** Typed errors keep their status; anything else is reported to `onUnexpected` and becomes a 500. */
export function toErrorAnswer(error: unknown, onUnexpected: (error: unknown) => void): ErrorAnswer {
  if (error instanceof HttpError || error instanceof TokenError) {
    return { status: error.status, body: { error: error.message, code: error.code } };
  }
  onUnexpected(error);
  return { status: 500, body: { error: 'internal error', code: 'internal' } };
}

/** The app's single error boundary: typed errors keep their status; anything else is a logged 500. */
export function toErrorResponse(error: unknown, c: Context, onUnexpected: (error: unknown) => void): Response {
  const { status, body } = toErrorAnswer(error, onUnexpected);
  return c.json(body, status);
}
