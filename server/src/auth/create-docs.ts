import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../http/errors.js';
import { bearerToken } from './authorize.js';
import type { CreateDocsMode } from './identity-config.js';

export interface CreateDocsOptions {
  mode: CreateDocsMode;
  /** Scripts present it as `Authorization: Bearer <API_TOKEN>`. */
  apiToken: string | undefined;
  /** Whether the request comes from a signed-in person (its session cookie is valid). */
  isSignedIn: (c: Parameters<MiddlewareHandler>[0]) => Promise<boolean>;
}

/** Equal-length digests compared in constant time: how long the check takes says nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * [ID4] Who may `POST /api/docs`: `anyone`; `token` — requests with `Authorization: Bearer <API_TOKEN>`;
 * `signed-in` — a signed-in person, or a request with the API token (scripts keep working). Refusals are
 * 401: nobody is identified yet.
 *
 * @example app.post('/api/docs', createDocsGuard({ mode: 'token', apiToken, isSignedIn }))
 */
export function createDocsGuard(options: CreateDocsOptions): MiddlewareHandler {
  const { mode, apiToken } = options;
  return async function mayCreateDocs(c, next) {
    if (mode === 'anyone') return next();
    const given = bearerToken(c.req.header('authorization'));
    if (apiToken !== undefined && given !== undefined && sameSecret(given, apiToken)) return next();
    if (mode === 'signed-in' && (await options.isSignedIn(c))) return next();
    if (given !== undefined) throw new HttpError(401, 'token_invalid', 'the API token is not valid');
    throw mode === 'token'
      ? new HttpError(401, 'token_missing', 'creating documents needs Authorization: Bearer <API_TOKEN>')
      : new HttpError(401, 'sign_in_required', 'sign in to create documents');
  };
}
