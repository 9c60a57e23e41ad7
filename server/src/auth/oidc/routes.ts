import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HttpError } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import type { TokenKey } from '../tokens.js';
import type { SignedInUser } from '../identity.js';
import { LoginError, type OidcProvider } from './provider.js';
import { LOGIN_SECONDS, SESSION_SECONDS, readLoginFlow, readSession, safeReturnTo, signLoginFlow, signSession } from './session.js';

export const SESSION_COOKIE = 'tandem_session';
export const LOGIN_COOKIE = 'tandem_login';

export interface SignInDeps {
  key: TokenKey;
  provider: OidcProvider;
  publicUrl: () => string;
  logger: Logger;
  now: () => Date;
}

/** [ID3] Cookie attributes: HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET), Secure behind https. */
function cookieOptions(publicUrl: string, path: string, maxAge: number) {
  return { path, httpOnly: true, sameSite: 'Lax' as const, secure: publicUrl.startsWith('https:'), maxAge };
}

/** The signed-in person of a request (its session cookie), or null. */
export function sessionUser(deps: Pick<SignInDeps, 'key' | 'now'>, c: Context): Promise<SignedInUser | null> {
  return readSession(deps.key, getCookie(c, SESSION_COOKIE), deps.now());
}

/**
 * [ID3] `GET /auth/login?returnTo=/path` → the provider; `GET /auth/callback` ← the provider (state, PKCE,
 * nonce checked; the session cookie set; back to `returnTo`); `POST /auth/logout` clears the session;
 * `GET /api/me` names the signed-in person (401 otherwise).
 */
export function signInRoutes(deps: SignInDeps): Hono {
  const app = new Hono();
  const redirectUri = () => `${deps.publicUrl()}/auth/callback`;

  app.get('/auth/login', async (c) => {
    const started = await deps.provider.start(redirectUri()).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'the identity provider cannot be reached');
      throw new HttpError(503, 'provider_unavailable', 'the identity provider cannot be reached');
    });
    const { url, ...checks } = started;
    const flow = await signLoginFlow(deps.key, { ...checks, returnTo: safeReturnTo(c.req.query('returnTo')) }, deps.now());
    setCookie(c, LOGIN_COOKIE, flow, cookieOptions(deps.publicUrl(), '/auth', LOGIN_SECONDS));
    c.header('Cache-Control', 'no-store');
    return c.redirect(url.href, 302);
  });

  app.get('/auth/callback', async (c) => {
    const flow = await readLoginFlow(deps.key, getCookie(c, LOGIN_COOKIE), deps.now());
    // One answer per login: the flow's checks are gone once used, whatever the outcome.
    deleteCookie(c, LOGIN_COOKIE, { path: '/auth', secure: deps.publicUrl().startsWith('https:') });
    if (!flow) throw new HttpError(400, 'login_expired', 'no sign-in in progress (or it took too long): sign in again');
    if (c.req.query('state') !== flow.state) throw new HttpError(400, 'bad_state', 'the sign-in answer does not match this browser’s sign-in');
    // The URL the provider redirected to, as registered: PUBLIC_URL (behind a proxy the request's own host may differ).
    const callbackUrl = new URL(redirectUri());
    callbackUrl.search = new URL(c.req.url).search;
    let user: SignedInUser;
    try {
      user = await deps.provider.finish(callbackUrl, flow);
    } catch (error) {
      if (error instanceof LoginError) {
        deps.logger.warn({ why: error.message }, 'a sign-in was refused');
        throw new HttpError(400, error.code, error.message);
      }
      throw error;
    }
    setCookie(c, SESSION_COOKIE, await signSession(deps.key, user, deps.now()), cookieOptions(deps.publicUrl(), '/', SESSION_SECONDS));
    c.header('Cache-Control', 'no-store');
    return c.redirect(flow.returnTo, 302);
  });

  app.post('/auth/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.publicUrl().startsWith('https:') });
    return c.body(null, 204);
  });

  app.get('/api/me', async (c) => {
    const user = await sessionUser(deps, c);
    c.header('Cache-Control', 'no-store');
    if (!user) throw new HttpError(401, 'signed_out', 'not signed in');
    return c.json(user);
  });

  return app;
}

export { LoginError };
