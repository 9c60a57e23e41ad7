import type { ErrorBody } from '@tandem/common/api';
import type { Context } from 'hono';
import { AccessError, type AccessErrorCode } from '../auth/authorize.js';
import { TokenError, type TokenErrorCode } from '../auth/tokens.js';
import { UnknownDocError } from '../storage/doc-store.js';
import { ImportError } from '../import/errors.js';

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

/**
 * [H1] The status each authorization refusal is answered with, before an upgrade as over HTTP: a bad id 400,
 * a missing/invalid/expired/revoked token 401, a token for another document or scope 403, an unknown document 404.
 */
const ACCESS_STATUS: Record<AccessErrorCode | TokenErrorCode, 400 | 401 | 403 | 404> = {
  invalid_id: 400,
  unknown_document: 404,
  token_missing: 401,
  token_invalid: 401,
  token_expired: 401,
  token_revoked: 401,
  sign_in_required: 401,
  wrong_document: 403,
  forbidden: 403,
};

/** The JSON body and status every refusal is answered with (HTTP routes and socket upgrades alike). */
export interface ErrorAnswer {
  status: HttpError['status'];
  body: ErrorBody;
}

/**
 * Typed errors keep their status (authorization refusals get theirs from their code); anything else is reported
 * to `onUnexpected` and becomes a 500.
 */
export function toErrorAnswer(error: unknown, onUnexpected: (error: unknown) => void): ErrorAnswer {
  if (error instanceof HttpError || error instanceof ImportError) return { status: error.status, body: { error: error.message, code: error.code } };
  if (error instanceof AccessError || error instanceof TokenError) {
    return { status: ACCESS_STATUS[error.code], body: { error: error.message, code: error.code } };
  }
  // [DEL4] Deleted while the request was under way (it passed authorization just before).
  if (error instanceof UnknownDocError) return { status: 404, body: { error: 'no such document', code: 'unknown_document' } };
  onUnexpected(error);
  return { status: 500, body: { error: 'internal error', code: 'internal' } };
}

/** The app's single error boundary: typed errors keep their status; anything else is a logged 500. */
export function toErrorResponse(error: unknown, c: Context, onUnexpected: (error: unknown) => void): Response {
  const { status, body } = toErrorAnswer(error, onUnexpected);
  return c.json(body, status);
}
