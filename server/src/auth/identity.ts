import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { IdentityConfig } from './identity-config.js';
import { createDocsGuard } from './create-docs.js';

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

/** The identity layer without sign-in: documents created as CREATE_DOCS says, nobody signed in. */
export function linksOnlyIdentity(config: Pick<IdentityConfig, 'CREATE_DOCS' | 'API_TOKEN'>): Identity {
  const routes = new Hono();
  routes.get('/api/config', (c) => c.json({ signIn: false, createDocs: config.CREATE_DOCS }));
  return {
    createDocs: createDocsGuard({ mode: config.CREATE_DOCS, apiToken: config.API_TOKEN, isSignedIn: async () => false }),
    routes,
    userOf: async () => null,
  };
}
