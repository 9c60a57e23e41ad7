import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { OPERATIONS } from '../../src/http/openapi/operations.js';
import { openApiPath, type Operation } from '../../src/http/openapi/describe.js';
import { freePort, startProvider, type TestProvider } from '../identity/provider.js';
import { createDoc, startTestServer, type TestServer } from '../support/harness.js';

/** [API1] The description covers exactly the routes the app serves, and its examples and schemas tell the truth. */
describe('GET /api/openapi.json', () => {
  let server: TestServer;
  /** The same app with sign-in configured (a real OpenID provider on loopback): its extra routes are described too. */
  let signInServer: TestServer;
  let provider: TestProvider;
  beforeAll(async () => {
    server = await startTestServer();
    const port = await freePort();
    provider = await startProvider(`http://127.0.0.1:${port}/auth/callback`);
    signInServer = await startTestServer({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
    });
  });
  afterAll(async () => {
    await server?.dispose();
    await signInServer?.dispose();
    await provider?.close();
  });

  const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
  const described = new Set(OPERATIONS.map((op) => key(op.method, op.path)));

  it('describes every route the app serves, and nothing it does not, with and without sign-in', () => {
    // Middleware (`app.use`) registers as ALL: header hooks and the static asset directory, not routes.
    const servedBy = (s: TestServer) => new Set(s.routes.filter((r) => r.method !== 'ALL').map((r) => key(r.method, r.path)));
    const plain = servedBy(server);
    const withSignIn = servedBy(signInServer);
    expect(plain.size).toBeGreaterThan(15);
    expect([...withSignIn].filter((route) => !described.has(route))).toEqual([]);
    expect([...plain].filter((route) => !described.has(route))).toEqual([]);
    for (const op of OPERATIONS) {
      const route = key(op.method, op.path);
      expect(withSignIn.has(route), `${route} is served with sign-in`).toBe(true);
      expect(plain.has(route), `${route} is served without sign-in: ${op.when ? 'no' : 'yes'}`).toBe(op.when === undefined);
    }
  });

  it('serves an OpenAPI 3.1 document with every operation, its security and unique operation ids', async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    // Valid by the OpenAPI 3.1 schema itself, so generators and viewers can read it.
    const validation = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(doc.servers[0]!.url).toBe(`http://localhost:${server.port}`);
    const ids = new Set<string>();
    for (const op of OPERATIONS) {
      const entry = doc.paths[openApiPath(op.path)]?.[op.method];
      expect(entry, key(op.method, op.path)).toBeDefined();
      ids.add(entry!.operationId);
      expect(Object.keys(entry!.responses).length).toBeGreaterThan(0);
      // A route behind a token says so, and every path parameter is declared.
      expect(entry!.security.length > 0).toBe(op.scope !== undefined);
      for (const [, name] of op.path.matchAll(/:([A-Za-z_]+)/g)) {
        expect(entry!.parameters.some((p) => p.in === 'path' && p.name === name)).toBe(true);
      }
    }
    expect(ids.size).toBe(OPERATIONS.length);
    // The request schema is the one the route validates with: a stray field is refused by both.
    const create = doc.paths['/api/docs']!.post as unknown as { requestBody: { content: Record<string, { schema: { additionalProperties?: boolean } }> } };
    expect(create.requestBody.content['application/json']!.schema.additionalProperties).toBe(false);
  });

  it("every example validates against the schema it illustrates", () => {
    let checked = 0;
    for (const op of OPERATIONS) {
      const media = [...Object.values(op.body ?? {}), ...Object.values(op.responses).flatMap((answer) => Object.values(answer.content ?? {}))];
      for (const { schema, example } of media) {
        if (!schema || example === undefined) continue;
        const result = schema.safeParse(example);
        expect(result.success, `${key(op.method, op.path)}: ${result.error?.message}`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  /** Finds the described answer for a real one and checks the body against its schema. */
  async function conforms(method: Operation['method'], path: string, response: Response): Promise<void> {
    const op = OPERATIONS.find((o) => o.method === method && o.path === path);
    expect(op, key(method, path)).toBeDefined();
    const answer = op!.responses[response.status];
    expect(answer, `${key(method, path)} answered ${response.status}, which is not described`).toBeDefined();
    const contentType = response.headers.get('content-type')?.split(';')[0] ?? '';
    const media = answer!.content?.[contentType];
    if (answer!.content) expect(media, `${key(method, path)} ${response.status} as ${contentType}`).toBeDefined();
    if (media?.schema) {
      const parsed = (media.schema as z.ZodType).safeParse(await response.json());
      expect(parsed.success, `${key(method, path)} ${response.status}: ${parsed.error?.message}`).toBe(true);
    }
  }

  it('real answers match what is described, refusals included', async () => {
    const call = (method: string, path: string, token?: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method: method.toUpperCase(),
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const created = await call('post', '/api/docs', undefined, { title: 'Described' });
    await conforms('post', '/api/docs', created.clone());
    const { id, editToken, viewToken } = (await created.json()) as Awaited<ReturnType<typeof createDoc>>;
    const doc = `/api/docs/${id}`;

    await conforms('post', '/api/docs', await call('post', '/api/docs', undefined, { title: 'x', surprise: 1 }));
    await conforms('get', '/api/docs/:id', await call('get', doc, viewToken));
    await conforms('get', '/api/docs/:id', await call('get', doc));
    await conforms('get', '/api/docs/:id', await call('get', `/api/docs/${'A'.repeat(22)}`, viewToken));
    await conforms('get', '/api/docs/:id/links', await call('get', `${doc}/links`, editToken));
    await conforms('get', '/api/docs/:id/links', await call('get', `${doc}/links`, viewToken));
    await conforms('get', '/api/docs/:id/export', await call('get', `${doc}/export?format=html`, viewToken));
    await conforms('get', '/api/docs/:id/export', await call('get', `${doc}/export?format=pdf`, viewToken));
    await conforms('get', '/api/docs/:id/comments', await call('get', `${doc}/comments`, viewToken));
    await conforms('post', '/api/docs/:id/versions', await call('post', `${doc}/versions`, editToken, { name: 'First' }));
    await conforms('post', '/api/docs/:id/versions', await call('post', `${doc}/versions`, editToken, { name: '' }));
    const versions = await call('get', `${doc}/versions`, viewToken);
    const vid = ((await versions.clone().json()) as { versions: { id: string }[] }).versions[0]!.id;
    await conforms('get', '/api/docs/:id/versions', versions);
    await conforms('get', '/api/docs/:id/versions/:vid/export', await call('get', `${doc}/versions/${vid}/export?format=json`, viewToken));
    await conforms('get', '/api/docs/:id/versions/:vid/export', await call('get', `${doc}/versions/nope/export`, viewToken));
    await conforms('post', '/api/docs/:id/versions/:vid/restore', await call('post', `${doc}/versions/${vid}/restore`, editToken, {}));
    await conforms('get', '/api/docs/:id/history', await call('get', `${doc}/history`, viewToken));
    await conforms('get', '/api/docs/:id/history/diff', await call('get', `${doc}/history/diff?from=start&to=now`, viewToken));
    await conforms('get', '/api/docs/:id/history/diff', await call('get', `${doc}/history/diff?from=@-1`, viewToken));
    await conforms('get', '/api/docs/:id/history/attribution', await call('get', `${doc}/history/attribution`, viewToken));
    await conforms('post', '/api/docs/:id/history/revert', await call('post', `${doc}/history/revert`, editToken, { target: 'Nobody', since: new Date(0).toISOString() }));
    await conforms('post', '/api/docs/:id/links/rotate', await call('post', `${doc}/links/rotate`, editToken));
    await conforms('post', '/api/docs/:id/links/rotate', await call('post', `${doc}/links/rotate`, editToken));
    await conforms('get', '/collab/:id', await call('get', `/collab/${id}`));
    await conforms('get', '/livez', await call('get', '/livez'));
    await conforms('get', '/readyz', await call('get', '/readyz'));
    await conforms('get', '/healthz', await call('get', '/healthz'));
    await conforms('get', '/metrics', await call('get', '/metrics'));
    await conforms('get', '/api/openapi.json', await call('get', '/api/openapi.json'));
  });
});
