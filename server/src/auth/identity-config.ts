import { z } from 'zod';

/**
 * [ID] The identity settings: sign-in with OpenID Connect, who may create documents, whether share links
 * need a signed-in person. Part of the one config schema (`config.ts`); their cross-checks live here so the
 * rules sit beside each other.
 */

export const CREATE_DOCS_MODES = ['anyone', 'signed-in', 'token'] as const;
export type CreateDocsMode = (typeof CREATE_DOCS_MODES)[number];

/** The schema entries, spread into the config schema. */
export const identitySettings = {
  /** The OpenID provider's issuer URL (its discovery document lives under it). Setting it turns sign-in on. */
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/ })
    .refine((value) => {
      // Zod runs this even after the URL check failed: an unparsable value is that check's to report.
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    }, 'must be an https URL (plain http only on this machine: localhost, 127.0.0.1, [::1])')
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  /** Who may `POST /api/docs`: default `anyone` without sign-in, `signed-in` with it. */
  CREATE_DOCS: z.enum(CREATE_DOCS_MODES).optional(),
  /** `Authorization: Bearer <API_TOKEN>` creates documents in the `token` and `signed-in` modes (scripts). */
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** `true`: opening a share link needs a signed-in person too. */
  LINKS_REQUIRE_SIGN_IN: z.enum(['true', 'false']).default('false'),
};

/** Identity settings that may come from a file (`<NAME>_FILE`), like the other secrets. */
export const IDENTITY_FILE_SETTINGS = ['OIDC_CLIENT_SECRET', 'API_TOKEN'] as const;

interface IdentityInput {
  OIDC_ISSUER?: string | undefined;
  OIDC_CLIENT_ID?: string | undefined;
  OIDC_CLIENT_SECRET?: string | undefined;
  CREATE_DOCS?: CreateDocsMode | undefined;
  API_TOKEN?: string | undefined;
  LINKS_REQUIRE_SIGN_IN: 'true' | 'false';
}

/** The identity settings once checked together. */
export interface IdentityConfig {
  /** Null without sign-in. */
  OIDC: { issuer: string; clientId: string; clientSecret: string } | null;
  CREATE_DOCS: CreateDocsMode;
  API_TOKEN: string | undefined;
  LINKS_REQUIRE_SIGN_IN: boolean;
}

/** Checks the identity settings against each other; returns `[variable, message]` for the first problem. */
export function resolveIdentity(c: IdentityInput): IdentityConfig | [string, string] {
  const oidcSet = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length;
  if (oidcSet > 0 && oidcSet < 3) {
    const missing = (['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).find((name) => c[name] === undefined)!;
    return [missing, 'sign-in needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together'];
  }
  const OIDC = oidcSet === 3 ? { issuer: c.OIDC_ISSUER!, clientId: c.OIDC_CLIENT_ID!, clientSecret: c.OIDC_CLIENT_SECRET! } : null;
  const CREATE_DOCS = c.CREATE_DOCS ?? (OIDC ? 'signed-in' : 'anyone');
  if (CREATE_DOCS === 'signed-in' && !OIDC) return ['CREATE_DOCS', 'signed-in needs sign-in (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)'];
  if (CREATE_DOCS === 'token' && !c.API_TOKEN) return ['CREATE_DOCS', 'token needs API_TOKEN'];
  const LINKS_REQUIRE_SIGN_IN = c.LINKS_REQUIRE_SIGN_IN === 'true';
  if (LINKS_REQUIRE_SIGN_IN && !OIDC) return ['LINKS_REQUIRE_SIGN_IN', 'true needs sign-in (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)'];
  return { OIDC, CREATE_DOCS, API_TOKEN: c.API_TOKEN, LINKS_REQUIRE_SIGN_IN };
}
