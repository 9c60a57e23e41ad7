/**
 * A real OpenID provider for the sign-in tests: `oidc-provider` on a free loopback port, one confidential
 * client (`tandem`), PKCE required, and interactions that sign in whoever `loginAs` names and consent at once
 * (the provider's own login form would need a person). Accounts' names and pictures come from the userinfo
 * endpoint, as many providers give them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import Provider from 'oidc-provider';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next sign-in becomes. */
  loginAs: string;
  close(): Promise<void>;
}

export const ACCOUNTS: Record<string, { name: string; picture?: string }> = {
  alice: { name: 'Alice Example', picture: 'https://pictures.example.org/alice.png' },
  bob: { name: 'Bob Builder' },
  carol: { name: 'Carol Clerk' },
  dave: { name: 'Dave Doe', picture: 'https://pictures.example.org/dave.png' },
};

/** A TCP port nobody listens on right now (Tandem's PUBLIC_URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts the provider (on `port`, or a free one); `redirectUri` is Tandem's `/auth/callback`. */
export async function startProvider(redirectUri: string, port?: number): Promise<TestProvider> {
  port ??= await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const state: TestProvider = { issuer, clientId: 'tandem', clientSecret: 'tandem-client-secret', loginAs: 'alice', close: async () => {} };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'picture'], email: ['email'] },
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Explicit lifetimes: the provider otherwise prints a notice for each default it uses.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx: unknown, id: string) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  const callback = provider.callback();
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const { prompt, params, session } = details;
      let result: object;
      if (prompt.name === 'login') {
        result = { login: { accountId: state.loginAs } };
      } else {
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
        if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
        result = { consent: { grantId: await grant.save() } };
      }
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
