/**
 * [ID3][ID4] Sign-in with OpenID Connect against a real provider (`oidc-provider` on loopback): the whole
 * authorization-code + PKCE flow over real HTTP, the session cookie's attributes, refused answers (bad state,
 * replayed code, no sign-in in progress, expired or forged session), CREATE_DOCS=signed-in, logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTokenKey } from '../../src/auth/tokens.js';
import { signSession } from '../../src/auth/oidc/session.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { CookieClient } from './browserless.js';
import { freePort, startProvider, type TestProvider } from './provider.js';

const SECRET = 'z'.repeat(40);
let provider: TestProvider;
let server: TestServer;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startProvider(`${base}/auth/callback`);
  server = await startTestServer({
    PORT: String(port),
    PUBLIC_URL: base,
    SECRET,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
  });
});
afterAll(async () => {
  await server?.dispose();
  await provider?.close();
});

const atCallback = (url: URL) => url.origin === base && url.pathname === '/auth/callback';

/** Signs `browser` in as `account`, stopping before the callback when asked. */
async function signIn(browser: CookieClient, account = 'alice', returnTo = '/') {
  provider.loginAs = account;
  return browser.follow(`${base}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, atCallback);
}

async function me(browser: CookieClient) {
  const res = await browser.request(`${base}/api/me`);
  return { status: res.status, body: await res.json() };
}

async function createDoc(browser: CookieClient) {
  const res = await browser.request(`${base}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}

describe('sign-in [ID3]', () => {
  it('[ID3] the whole flow: provider, callback, session cookie, /api/me, back to returnTo; logout signs out', async () => {
    const browser = new CookieClient();
    expect((await me(browser)).status).toBe(401);
    const { url: callback } = await signIn(browser, 'alice', '/d/someDocument1');
    const params = new URL(callback).searchParams;
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBeTruthy();
    const landed = await browser.request(callback);
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe('/d/someDocument1');
    const session = browser.setCookies.find((line) => line.startsWith('tandem_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    expect(await me(browser)).toEqual({ status: 200, body: { sub: 'alice', name: 'Alice Example', picture: 'https://pictures.example.org/alice.png' } });

    const logout = await browser.request(`${base}/auth/logout`, { method: 'POST' });
    expect(logout.status).toBe(204);
    expect((await me(browser)).status).toBe(401);
  });

  it('[ID3] the login request carries PKCE (S256), state and nonce; returnTo off this site becomes /', async () => {
    const browser = new CookieClient();
    const res = await browser.request(`${base}/auth/login?returnTo=${encodeURIComponent('//evil.example/x')}`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin).toBe(provider.issuer);
    for (const name of ['code_challenge', 'state', 'nonce']) expect(to.searchParams.get(name)).toBeTruthy();
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    const { url: callback } = await browser.follow(to.href, atCallback);
    const landed = await browser.request(callback);
    expect(landed.headers.get('location')).toBe('/');
  });

  it('[ID3] a callback whose state is not this browser’s is refused (400 bad_state) and signs nobody in', async () => {
    const browser = new CookieClient();
    const { url: callback } = await signIn(browser);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'someone-elses-state');
    const res = await browser.request(forged.href);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'bad_state' });
    expect((await me(browser)).status).toBe(401);
  });

  it('[ID3] a replayed code is refused: without the login cookie (login_expired) and by the provider with it (login_failed)', async () => {
    const browser = new CookieClient();
    const { url: callback } = await signIn(browser);
    const flowCookie = browser.cookies(base).get('tandem_login')!;
    expect((await browser.request(callback)).status).toBe(302);
    expect((await me(browser)).status).toBe(200);

    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'login_expired' });

    // An attacker who kept the login cookie too: the provider has already spent the code.
    const attacker = new CookieClient();
    attacker.cookies(base).set('tandem_login', flowCookie);
    const spent = await attacker.request(callback);
    expect(spent.status).toBe(400);
    expect(await spent.json()).toMatchObject({ code: 'login_failed' });
    expect((await me(attacker)).status).toBe(401);
  });

  it('[ID3] an expired or forged session is signed out', async () => {
    const key = await importTokenKey(new TextEncoder().encode(SECRET));
    const user = { sub: 'alice', name: 'Alice Example', picture: null };
    const expired = new CookieClient();
    expired.cookies(base).set('tandem_session', await signSession(key, user, new Date(Date.now() - 8 * 24 * 3600 * 1000)));
    expect((await me(expired)).status).toBe(401);
    expect((await createDoc(expired)).status).toBe(401);

    const forged = new CookieClient();
    const otherKey = await importTokenKey(new TextEncoder().encode('o'.repeat(40)));
    forged.cookies(base).set('tandem_session', await signSession(otherKey, user, new Date()));
    expect((await me(forged)).status).toBe(401);

    const fresh = new CookieClient();
    fresh.cookies(base).set('tandem_session', await signSession(key, user, new Date()));
    expect((await me(fresh)).status).toBe(200);
  });

  it('[ID3] behind https (PUBLIC_URL https://…) the cookies are Secure', async () => {
    const secure = await startTestServer({
      PUBLIC_URL: 'https://docs.example.org',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
    });
    try {
      const res = await fetch(`${secure.url}/auth/login`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://docs.example.org/auth/callback');
      const login = res.headers.getSetCookie().find((line) => line.startsWith('tandem_login='))!;
      expect(login).toMatch(/; Secure/i);
      expect(login).toMatch(/HttpOnly/i);
      expect(login).toMatch(/SameSite=Lax/i);
      expect(login).toMatch(/Path=\/auth/i);
    } finally {
      await secure.dispose();
    }
  });

  it('[ID4] CREATE_DOCS defaults to signed-in: 401 sign_in_required signed out, 201 signed in', async () => {
    const browser = new CookieClient();
    expect(await createDoc(browser)).toMatchObject({ status: 401, body: { code: 'sign_in_required' } });
    const { url: callback } = await signIn(browser, 'bob');
    await browser.request(callback);
    expect((await createDoc(browser)).status).toBe(201);
    const config = await (await fetch(`${base}/api/config`)).json();
    expect(config).toEqual({ signIn: true, createDocs: 'signed-in', linksRequireSignIn: false });
  });
});
