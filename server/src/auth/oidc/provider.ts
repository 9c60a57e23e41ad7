import type * as OpenIdClient from 'openid-client';
import { cleanName, MAX_SUB_LENGTH } from '../tokens.js';
import type { SignedInUser } from '../identity.js';

/** Where the provider is and who we are to it. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Why a sign-in did not complete: the answer is 400 with this code. */
export class LoginError extends Error {
  override name = 'LoginError';
  constructor(
    readonly code: 'login_expired' | 'bad_state' | 'login_refused' | 'login_failed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * openid-client (with oauth4webapi, ~55 KB) loaded at the first sign-in, not at start: most servers run
 * without sign-in, and the bundle puts it in a chunk of its own [O4].
 */
const openIdClient = () => import('openid-client');

/** Whether the issuer is reached over plain HTTP on this machine (a provider beside us, or tests). */
function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
}

/**
 * [ID3] The OpenID provider as `openid-client` (v6) speaks to it: discovery (once, retried after a failure),
 * the authorization URL with PKCE (S256), state and nonce, and the code exchange that checks all three and
 * the ID token. Plain-HTTP issuers are accepted on loopback only (config refuses others).
 */
export class OidcProvider {
  private discovered: Promise<OpenIdClient.Configuration> | null = null;

  constructor(private readonly settings: OidcSettings) {}

  private configuration(): Promise<OpenIdClient.Configuration> {
    if (!this.discovered) {
      const issuer = new URL(this.settings.issuer);
      const pending = openIdClient().then((client) => client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
        ...(isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      }));
      // A provider that was down at the first sign-in is asked again at the next.
      pending.catch(() => {
        if (this.discovered === pending) this.discovered = null;
      });
      this.discovered = pending;
    }
    return this.discovered;
  }

  /** The provider's authorization URL for a new sign-in, and the checks its answer must pass. */
  async start(redirectUri: string): Promise<{ url: URL; state: string; nonce: string; codeVerifier: string }> {
    const config = await this.configuration();
    const client = await openIdClient();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Exchanges the code of the provider's answer (`callbackUrl`, as the browser requested it) for the person,
   * checking state, PKCE and nonce; the name comes from the ID token or, failing that, the userinfo endpoint.
   */
  async finish(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SignedInUser> {
    const config = await this.configuration();
    const client = await openIdClient();
    let tokens: Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError) throw new LoginError('login_refused', `the identity provider refused: ${error.error}`);
      throw new LoginError('login_failed', `signing in failed: ${(error as Error).message}`);
    }
    const claims = tokens.claims()!;
    let profile: Record<string, unknown> = claims;
    if (!claims.name && tokens.access_token) {
      try {
        profile = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      } catch {
        // The ID token's claims are enough to sign in; the name falls back below.
      }
    }
    if (claims.sub.length > MAX_SUB_LENGTH) throw new LoginError('login_failed', 'the identity provider gave an unusable subject');
    const name =
      cleanName(profile.name) ?? cleanName(profile.preferred_username) ?? cleanName(profile.email) ?? cleanName(claims.sub.slice(0, 80))!;
    const picture = typeof profile.picture === 'string' && /^https?:\/\//.test(profile.picture) ? profile.picture.slice(0, 2000) : null;
    return { sub: claims.sub, name, picture };
  }
}
