import type { Context } from 'hono';
import { authorize, bearerToken, type Access, type AuthorizeDeps } from '../auth/authorize.js';
import type { Scope } from '@tandem/common';

/** The token from `Authorization: Bearer …` or `?token=…`. */
export function tokenFrom(c: Context): string | undefined {
  return bearerToken(c.req.header('authorization')) ?? c.req.query('token') ?? undefined;
}

/** `authorize` for a request: the document is `:id`, the token is the request's (see `tokenFrom`). */
export function authorizeRequest(c: Context, deps: AuthorizeDeps, required: Scope): Promise<Access> {
  return authorize(deps, c.req.param('id') ?? '', tokenFrom(c), required);
}
