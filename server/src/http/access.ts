import type { Context } from 'hono';
import { checkAccess, verifyToken, type Scope, type TokenClaims } from '../auth/tokens.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { isValidDocId, type DocMeta } from '../storage/doc-store.js';
import { invalidDocId, unknownDocument } from './errors.js';

/** The token from `Authorization: Bearer …` or `?token=…`. */
export function tokenFrom(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? c.req.query('token') ?? undefined;
}

export interface AccessDeps {
  key: Uint8Array;
  registry: RoomRegistry;
  now: () => Date;
}

/**
 * Resolves `:id` and the request's token into the document and the granted claims, or throws: 400 for an
 * id that cannot be one of ours, 404 unknown, 401/403 from the token. The id's shape is checked before any
 * storage lookup, so path tricks never reach the file system.
 */
export async function authorize(
  c: Context,
  deps: AccessDeps,
  required: Scope,
): Promise<{ meta: DocMeta; claims: TokenClaims }> {
  const id = c.req.param('id') ?? '';
  if (!isValidDocId(id)) throw invalidDocId();
  // Verify the signature first: an anonymous caller learns nothing about which ids exist.
  const claims = await verifyToken(deps.key, tokenFrom(c), deps.now());
  const meta = await deps.registry.getMeta(id);
  if (!meta) throw unknownDocument();
  checkAccess(claims, meta, required);
  return { meta, claims };
}
