import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/**
 * Share-link tokens: JWT HS256 signed with SECRET, so any app holding the secret can mint them.
 * Claims: `doc` (document id), `scope` ('edit' | 'view'), `gen` (link generation; rotating a document's
 * links bumps it), optional `exp`. Pure: the clock is a parameter.
 */

export type Scope = 'edit' | 'view';

export interface TokenClaims {
  docId: string;
  scope: Scope;
  generation: number;
  /** Seconds since the epoch, when the token stops working; undefined = no expiry. */
  expiresAt?: number;
}

export type TokenErrorCode =
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'token_revoked'
  | 'wrong_document'
  | 'forbidden';

/** Why a token does not grant access; `status` is the HTTP status it maps to. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): 401 | 403 {
    return this.code === 'wrong_document' || this.code === 'forbidden' ? 403 : 401;
  }
}

/** Mints a token for one document and scope. */
export async function signToken(
  key: Uint8Array,
  claims: TokenClaims,
  now: Date = new Date(),
): Promise<string> {
  const jwt = new SignJWT({ doc: claims.docId, scope: claims.scope, gen: claims.generation })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(Math.floor(now.getTime() / 1000));
  if (claims.expiresAt !== undefined) jwt.setExpirationTime(claims.expiresAt);
  return jwt.sign(key);
}

/** Checks signature, algorithm, expiry and claim shapes; says nothing yet about which document. */
export async function verifyToken(key: Uint8Array, token: string | undefined, now: Date): Promise<TokenClaims> {
  if (!token) throw new TokenError('token_missing', 'a token is required');
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: now });
    const { doc, scope, gen, exp } = payload as Record<string, unknown>;
    if (typeof doc !== 'string' || (scope !== 'edit' && scope !== 'view')) {
      throw new TokenError('token_invalid', 'the token is malformed');
    }
    if (gen !== undefined && (typeof gen !== 'number' || !Number.isSafeInteger(gen) || gen < 0)) {
      throw new TokenError('token_invalid', 'the token is malformed');
    }
    return {
      docId: doc,
      scope,
      generation: (gen as number | undefined) ?? 0,
      ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
    };
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new TokenError('token_expired', 'the link has expired');
    throw new TokenError('token_invalid', 'the token is not valid');
  }
}

/**
 * Whether verified claims open `docId` (at its current link generation) with at least `required` scope.
 * Edit implies view.
 */
export function checkAccess(
  claims: TokenClaims,
  doc: { id: string; linkGeneration: number },
  required: Scope,
): void {
  if (claims.docId !== doc.id) throw new TokenError('wrong_document', 'the token is for another document');
  if (claims.generation !== doc.linkGeneration) {
    throw new TokenError('token_revoked', 'this link is no longer valid');
  }
  if (required === 'edit' && claims.scope !== 'edit') {
    throw new TokenError('forbidden', 'this link only allows viewing');
  }
}
