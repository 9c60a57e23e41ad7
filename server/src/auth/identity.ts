import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.js';
import { createDocsGuard } from './create-docs.js';
import type { IdentityConfig } from './identity-config.js';
import { OidcProvider } from './oidc/provider.js';
import { sessionUser, signInRoutes } from './oidc/routes.js';
import type { Metrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { TokenKey, TokenVerifier } from './tokens.js';
import type { UserDocIndex } from './user-docs/index-file.js';
import { userDocsRoutes } from './user-docs/routes.js';

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
  tokens: TokenVerifier;
  registry: RoomRegistry;
  metrics: Metrics;
  /** The per-person document lists [ID7]. */
  index: UserDocIndex;
  publicUrl: () => string;
  logger: Logger;
  now: () => Date;
}

/** The title a create request asked for ('' when none): Hono keeps the body the route already read. */
async function requestedTitle(c: Context): Promise<string> {
  // A file import names its document in the query (`POST /api/docs/import?title=`); its body is the file.
  const fromQuery = c.req.query('title');
  if (fromQuery !== undefined) return fromQuery;
  if (!c.req.header('content-type')?.includes('json')) return '';
  try {
    const body = JSON.parse(await c.req.text()) as { title?: unknown };
    return typeof body.title === 'string' ? body.title : '';
  } catch {
    return '';
  }
}

/** The identity layer the configuration asks for: sign-in with OIDC, or share links only. */
export function createIdentity(config: IdentityConfig, deps: IdentityDeps): Identity {
  const routes = new Hono();
  const oidc = config.OIDC;
  routes.get('/api/config', (c) =>
    c.json({ signIn: oidc !== null, createDocs: config.CREATE_DOCS, ...(oidc ? { linksRequireSignIn: config.LINKS_REQUIRE_SIGN_IN } : {}) }),
  );
  const userOf = oidc ? (c: Context) => sessionUser(deps, c) : async () => null;
  if (oidc) {
    routes.route('/', signInRoutes({ ...deps, provider: new OidcProvider(oidc) }));
    routes.route('/', userDocsRoutes({ ...deps, userOf }));
  }
  const guard = createDocsGuard({ mode: config.CREATE_DOCS, apiToken: config.API_TOKEN, isSignedIn: async (c) => (await userOf(c)) !== null });
  return {
    // [ID7] A document created signed in joins its creator's list.
    createDocs: async (c, next) => {
      await guard(c, next);
      if (!oidc || c.res.status !== 201) return;
      const user = await userOf(c);
      if (!user) return;
      const { id } = (await c.res.clone().json()) as { id: string };
      const now = deps.now().toISOString();
      await deps.index.record(user.sub, { id, role: 'created', scope: 'edit', generation: 0, title: await requestedTitle(c), openedAt: now });
    },
    routes,
    userOf,
  };
}
