import type { Context } from 'hono';
import { checkAccess, type Scope, type TokenClaims, type TokenVerifier } from '../auth/tokens.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { isValidDocId, type DocMeta } from '../storage/doc-store.js';
import { invalidDocId, unknownDocument } from './errors.js';

/** The token of an `Authorization: Bearer …` header value, if it is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The token from `Authorization: Bearer …` or `?token=…`. */
export function tokenFrom(c: Context): string | undefined {
  return bearerToken(c.req.header('authorization')) ?? c.req.query('token') ?? undefined;
}

export interface AccessDeps {
  /** Verifies share-link tokens with the server's key (and remembers the ones that verified). */
  tokens: TokenVerifier;
  registry: RoomRegistry;
  now: () => Date;
}

/** What `authorize` grants: the document's current metadata and the token's claims. */
export interface Access {
  meta: DocMeta;
  claims: TokenClaims;
}

/**
 * Resolves `:id` and the request's token into the document and the granted claims, or throws: 400 for an
 * id that cannot be one of ours, 404 unknown, 401/403 from the token. The id's shape is checked before any
 * storage lookup, so path tricks never reach the file system.
 */
export function authorize(c: Context, deps: AccessDeps, required: Scope): Promise<Access> {
  return authorizeToken(deps, c.req.param('id') ?? '', tokenFrom(c), required);
}

/** `authorize` for a document id and token taken from the request by the caller (the socket route). */
export async function authorizeToken(
  deps: AccessDeps,
  id: string,
  token: string | undefined,
  required: Scope,
): Promise<Access> {
  if (!isValidDocId(id)) throw invalidDocId();
  // Verify the signature first: an anonymous caller learns nothing about which ids exist.
  const claims = await deps.tokens.verify(token, deps.now());
  const meta = await deps.registry.getMeta(id);
  if (!meta) throw unknownDocument();
  checkAccess(claims, meta, required);
  return { meta, claims };
}
