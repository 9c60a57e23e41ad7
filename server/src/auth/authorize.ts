import { isValidDocId, type Scope } from '@tandem/common';
import type { DocMeta } from '../storage/doc-store.js';
import { TokenError, checkAccess, type TokenClaims, type TokenVerifier } from './tokens.js';

export type AccessErrorCode = 'invalid_id' | 'unknown_document';

/**
 * The document side of a refusal (the token side is `TokenError`): a code each boundary maps to its own
 * answer, like `TokenError`.
 */
export class AccessError extends Error {
  override name = 'AccessError';
  constructor(
    readonly code: AccessErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Where a document's current metadata is read (the registry: from memory while the document is open). */
export interface MetaSource {
  getMeta(id: string): Promise<DocMeta | null>;
}

/** What deciding access needs: the token verifier, the documents' metadata and the clock. */
export interface AuthorizeDeps {
  /** Verifies share-link tokens with the server's key (and remembers the ones that verified). */
  tokens: TokenVerifier;
  registry: MetaSource;
  now: () => Date;
  /** [ID8] `LINKS_REQUIRE_SIGN_IN`: only tokens that name a person (`sub`) open documents. */
  requireSignIn?: boolean | undefined;
}

/** What `authorize` grants: the document's current metadata and the token's claims. */
export interface Access {
  meta: DocMeta;
  claims: TokenClaims;
}

/** The token of an `Authorization: Bearer …` header value, if it is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Resolves a document id and a token into the document and the granted claims, or throws: `AccessError`
 * for an id that cannot be one of ours (`invalid_id`) or an unknown document, `TokenError` from the token.
 * The id's shape is checked before any storage lookup, so path tricks never reach the file system. Serves
 * HTTP requests and socket upgrades alike.
 *
 * @example const { meta, claims } = await authorize(deps, id, bearerToken(request.headers.authorization), 'view');
 */
export async function authorize(deps: AuthorizeDeps, id: string, token: string | undefined, required: Scope): Promise<Access> {
  if (!isValidDocId(id)) throw new AccessError('invalid_id', 'not a valid document id');
  // Verify the signature first: an anonymous caller learns nothing about which ids exist.
  const claims = deps.tokens.verify(token, deps.now());
  if (deps.requireSignIn && claims.sub === undefined) throw new TokenError('sign_in_required', 'sign in to open this link');
  const meta = await deps.registry.getMeta(id);
  if (!meta) throw new AccessError('unknown_document', 'no such document');
  checkAccess(claims, meta, required);
  return { meta, claims };
}
