import { isScope, scopeAllows, type Scope } from '@tandem/common';
import { SignJWT } from 'jose';
import { verifyHs256 } from './hs256-verify.js';

/**
 * Share-link tokens: JWT HS256 signed with SECRET, so any app holding the secret can mint them.
 * Claims: `doc` (document id), `scope` (one of `SCOPES`), `gen` (link generation; rotating a document's
 * links bumps it), optional `exp`, and optional `sub` (a user id) and `name` (the name the server stamps on
 * that connection's presence, history and comments [ID1]). Pure: the clock is a parameter.
 */

export interface TokenClaims {
  docId: string;
  scope: Scope;
  generation: number;
  /** Seconds since the epoch, when the token stops working; undefined = no expiry. */
  expiresAt?: number;
  /** [ID1] Who holds the token: a user id of the application (or identity provider) that minted it. */
  sub?: string;
  /** [ID1] The name shown and stamped for that connection, whatever its awareness claims. */
  name?: string;
}

/** Longest `sub` a token may carry (OIDC allows 255 ASCII characters). */
export const MAX_SUB_LENGTH = 255;
/** Longest stamped `name` (the editor caps names at 40; history records up to 80). */
export const MAX_NAME_LENGTH = 80;

/** A stamped name as stored: whitespace runs collapsed, trimmed; null when nothing is left or it is too long. */
export function cleanName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const clean = name.replace(/\s+/g, ' ').trim();
  return clean.length > 0 && clean.length <= MAX_NAME_LENGTH ? clean : null;
}

export type TokenErrorCode =
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'token_revoked'
  | 'wrong_document'
  | 'forbidden'
  | 'sign_in_required';

/**
 * Why a token does not grant access, as a code: each boundary maps it to its own answer (the HTTP status of
 * a request or an upgrade is chosen in `http/errors.ts`).
 */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The key tokens are minted with: the raw secret, or (what the server uses) the same secret imported once as
 * a WebCrypto key, so no mint imports it again. Checks take the raw secret (`verifyToken`).
 */
export type TokenKey = Uint8Array | CryptoKey;

/** Imports the secret once as an HMAC-SHA-256 key, so no mint (`signToken`) imports it again. */
export function importTokenKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** Mints a token for one document and scope. */
export async function signToken(
  key: TokenKey,
  claims: TokenClaims,
  now: Date = new Date(),
): Promise<string> {
  const jwt = new SignJWT({
    doc: claims.docId,
    scope: claims.scope,
    gen: claims.generation,
    ...(claims.sub !== undefined ? { sub: claims.sub } : {}),
    ...(claims.name !== undefined ? { name: claims.name } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(Math.floor(now.getTime() / 1000));
  if (claims.expiresAt !== undefined) jwt.setExpirationTime(claims.expiresAt);
  return jwt.sign(key);
}

/**
 * Checks signature, algorithm, expiry and claim shapes with the raw secret, synchronously (`verifyHs256`,
 * jose's rules without WebCrypto); says nothing yet about which document.
 */
export function verifyToken(secret: Uint8Array, token: string | undefined, now: Date): TokenClaims {
  if (!token) throw new TokenError('token_missing', 'a token is required');
  const outcome = verifyHs256(secret, token, Math.floor(now.getTime() / 1000));
  if (!outcome.ok) {
    if (outcome.reason === 'expired') throw new TokenError('token_expired', 'the link has expired');
    throw new TokenError('token_invalid', 'the token is not valid');
  }
  return claimsOf(outcome.payload);
}

/** The claims of a payload whose signature and times checked out; refuses shapes a token cannot have. */
function claimsOf(payload: Record<string, unknown>): TokenClaims {
  const { doc, scope, gen, exp, sub, name } = payload;
  if (typeof doc !== 'string' || !isScope(scope)) {
    throw new TokenError('token_invalid', 'the token is malformed');
  }
  if (gen !== undefined && (typeof gen !== 'number' || !Number.isSafeInteger(gen) || gen < 0)) {
    throw new TokenError('token_invalid', 'the token is malformed');
  }
  // [ID1] A name or user the token cannot carry is refused rather than ignored: the minting application
  // meant it to be stamped.
  if (sub !== undefined && (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH)) {
    throw new TokenError('token_invalid', 'the token is malformed');
  }
  const stamped = name === undefined ? undefined : cleanName(name);
  if (stamped === null) throw new TokenError('token_invalid', 'the token is malformed');
  return {
    docId: doc,
    scope,
    generation: (gen as number | undefined) ?? 0,
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
    ...(sub !== undefined ? { sub: sub as string } : {}),
    ...(stamped !== undefined ? { name: stamped } : {}),
  };
}

/** Tokens longer than this (ours are ~200 characters) are verified every time, never remembered. */
const MAX_REMEMBERED_TOKEN_LENGTH = 1024;

/**
 * `verifyToken` with a bounded memory of tokens that verified: the sockets of one share link (every tab
 * opening it, every reconnect) pay for one signature check. Only the signature and claim shapes are
 * remembered; expiry is judged on every call against the clock passed in [R4], and which document and link
 * generation the claims open is left to `checkAccess` against the document's current metadata [R3]. Tokens
 * that fail are never remembered.
 */
export class TokenVerifier {
  /** Least recently used first. */
  private readonly remembered = new Map<string, TokenClaims>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly capacity = 1024,
  ) {}

  verify(token: string | undefined, now: Date): TokenClaims {
    if (!token || token.length > MAX_REMEMBERED_TOKEN_LENGTH) return verifyToken(this.secret, token, now);
    let claims = this.remembered.get(token);
    if (claims) {
      this.remembered.delete(token);
    } else {
      claims = Object.freeze(verifyToken(this.secret, token, now));
      if (this.remembered.size >= this.capacity) this.remembered.delete(this.remembered.keys().next().value!);
    }
    this.remembered.set(token, claims);
    // The same check jose makes (`exp` at or before now, in whole seconds), against this call's clock.
    if (claims.expiresAt !== undefined && claims.expiresAt <= Math.floor(now.getTime() / 1000)) {
      throw new TokenError('token_expired', 'the link has expired');
    }
    return claims;
  }
}

/**
 * [R3] The link-generation rule: a grant (a token's claims, or what an open connection was granted) is valid
 * only at the document's current link generation; rotating the links bumps it. Checked when access is
 * decided (`checkAccess`), when a socket's room has loaded, and when links rotate (`RoomRegistry.rotateLinks`).
 */
export function isCurrentGeneration(grant: { generation: number }, doc: { linkGeneration: number }): boolean {
  return grant.generation === doc.linkGeneration;
}

/**
 * Whether verified claims open `docId` (at its current link generation) with at least `required` scope.
 * A stronger scope implies every weaker one (edit implies view).
 */
export function checkAccess(
  claims: TokenClaims,
  doc: { id: string; linkGeneration: number },
  required: Scope,
): void {
  if (claims.docId !== doc.id) throw new TokenError('wrong_document', 'the token is for another document');
  if (!isCurrentGeneration(claims, doc)) {
    throw new TokenError('token_revoked', 'this link is no longer valid');
  }
  if (!scopeAllows(claims.scope, required)) {
    throw new TokenError('forbidden', 'this link only allows viewing');
  }
}
