/**
 * A minimal browser for the sign-in tests: follows redirects itself and keeps cookies per origin, as a
 * browser would (name → value; an emptied or expired cookie is forgotten). Path scoping is not modelled.
 */
export class CookieClient {
  readonly jar = new Map<string, Map<string, string>>();
  /** Every Set-Cookie header received, raw, for attribute checks. */
  readonly setCookies: string[] = [];

  cookies(origin: string): Map<string, string> {
    let jar = this.jar.get(origin);
    if (!jar) this.jar.set(origin, (jar = new Map()));
    return jar;
  }

  /** One request, no redirect followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.cookies(origin);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attributes] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (!value || expired) jar.delete(name!.trim());
      else jar.set(name!.trim(), value);
    }
    return res;
  }

  /** Requests `url` and follows redirects until one stops at `stopAt` (not requested) or a non-redirect answer. */
  async follow(url: string, stopAt?: (url: URL) => boolean): Promise<{ url: string; res: Response | null }> {
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      if (stopAt?.(new URL(current))) return { url: current, res: null };
      const res = await this.request(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: current, res };
      current = new URL(location, current).href;
    }
    throw new Error('too many redirects');
  }
}

/** A client signed in to Tandem at `base` as `account` through the whole provider round trip. */
export async function signedInClient(base: string, provider: { loginAs: string }, account: string): Promise<CookieClient> {
  const browser = new CookieClient();
  provider.loginAs = account;
  const { url } = await browser.follow(`${base}/auth/login`, (u) => u.origin === base && u.pathname === '/auth/callback');
  const landed = await browser.request(url);
  if (landed.status !== 302 || !browser.cookies(base).has('tandem_session')) throw new Error(`sign-in failed: ${landed.status}`);
  return browser;
}
