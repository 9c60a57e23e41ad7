import { SignJWT, jwtVerify } from 'jose';
import type { TokenKey } from '../tokens.js';
import { cleanName, MAX_SUB_LENGTH } from '../tokens.js';
import type { SignedInUser } from '../identity.js';

/**
 * [ID3] The session of a signed-in person: a JWT (HS256, signed with SECRET) kept in an HttpOnly cookie —
 * nothing server-side to store or share between instances. Its audience sets it apart from share-link
 * tokens (which have none and need `doc`/`scope`): neither can pass for the other. Pure: the clock is a
 * parameter.
 */

const SESSION_AUDIENCE = 'tandem-session';
const LOGIN_AUDIENCE = 'tandem-login';

/** How long a sign-in lasts before the person must sign in again. */
export const SESSION_SECONDS = 7 * 24 * 3600;
/** How long the round trip through the identity provider may take. */
export const LOGIN_SECONDS = 10 * 60;

const seconds = (now: Date) => Math.floor(now.getTime() / 1000);

/** Mints the session cookie's value for `user`. */
export function signSession(key: TokenKey, user: SignedInUser, now: Date, ttlSeconds = SESSION_SECONDS): Promise<string> {
  return new SignJWT({ name: user.name, ...(user.picture ? { picture: user.picture } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.sub)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + ttlSeconds)
    .sign(key);
}

/** The person a session cookie names, or null when it is missing, forged, expired or misshapen. */
export async function readSession(key: TokenKey, value: string | undefined, now: Date): Promise<SignedInUser | null> {
  if (!value) return null;
  try {
    const { payload } = await jwtVerify(value, key, { algorithms: ['HS256'], audience: SESSION_AUDIENCE, currentDate: now, requiredClaims: ['exp', 'sub'] });
    const name = cleanName(payload.name);
    const sub = payload.sub!;
    if (!name || sub.length > MAX_SUB_LENGTH) return null;
    return { sub, name, picture: typeof payload.picture === 'string' ? payload.picture : null };
  } catch {
    return null;
  }
}

/** What must survive the round trip through the provider: the checks of the answer, and where to go after. */
export interface LoginFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A path on this site (never another origin). */
  returnTo: string;
}

/** Seals the login flow into the short-lived login cookie (signed, so its checks cannot be chosen by anyone). */
export function signLoginFlow(key: TokenKey, flow: LoginFlow, now: Date): Promise<string> {
  return new SignJWT({ ...flow })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(LOGIN_AUDIENCE)
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + LOGIN_SECONDS)
    .sign(key);
}

/** The login flow of the login cookie, or null when missing, forged or too old. */
export async function readLoginFlow(key: TokenKey, value: string | undefined, now: Date): Promise<LoginFlow | null> {
  if (!value) return null;
  try {
    const { payload } = await jwtVerify(value, key, { algorithms: ['HS256'], audience: LOGIN_AUDIENCE, currentDate: now });
    const { state, nonce, codeVerifier, returnTo } = payload as Record<string, unknown>;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string') return null;
    return { state, nonce, codeVerifier, returnTo: safeReturnTo(returnTo) };
  } catch {
    return null;
  }
}

/** A path on this site to return to after signing in; anything else (another origin, `//host`) becomes `/`. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f]/.test(value)) return '/';
  return value.slice(0, 2000);
}
