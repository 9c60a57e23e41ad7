import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.js';
import { createDocsGuard } from './create-docs.js';
import type { IdentityConfig } from './identity-config.js';
import { OidcProvider } from './oidc/provider.js';
import { sessionUser, signInRoutes } from './oidc/routes.js';
import type { TokenKey } from './tokens.js';

/** A signed-in person, as the server knows them from their session. */
export interface SignedInUser {
  /** The identity provider's subject: stable, unique per person. */
  sub: string;
  name: string;
  /** The provider's `picture`, when it gives one. */
  picture: string | null;
}

/** [ID] What the app needs from the identity layer; without sign-in, `routes` only answers `/api/config`. */
export interface Identity {
  /** Runs before `POST /api/docs` [ID4]. */
  createDocs: MiddlewareHandler;
  /** `/auth/*`, `/api/me`, `/api/config`. */
  routes: Hono;
  /** The signed-in person of a request, or null. */
  userOf(c: Context): Promise<SignedInUser | null>;
}

export interface IdentityDeps {
  key: TokenKey;
  publicUrl: () => string;
  logger: Logger;
  now: () => Date;
}

/** The identity layer the configuration asks for: sign-in with OIDC, or share links only. */
export function createIdentity(config: IdentityConfig, deps: IdentityDeps): Identity {
  const routes = new Hono();
  const oidc = config.OIDC;
  routes.get('/api/config', (c) =>
    c.json({ signIn: oidc !== null, createDocs: config.CREATE_DOCS, ...(oidc ? { linksRequireSignIn: config.LINKS_REQUIRE_SIGN_IN } : {}) }),
  );
  const userOf = oidc ? (c: Context) => sessionUser(deps, c) : async () => null;
  if (oidc) routes.route('/', signInRoutes({ ...deps, provider: new OidcProvider(oidc) }));
  return {
    createDocs: createDocsGuard({ mode: config.CREATE_DOCS, apiToken: config.API_TOKEN, isSignedIn: async (c) => (await userOf(c)) !== null }),
    routes,
    userOf,
  };
}
