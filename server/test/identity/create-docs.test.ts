/**
 * [ID4] Who may create documents (`CREATE_DOCS`, `API_TOKEN`), over real HTTP; the identity settings'
 * validation [ID5].
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { withServer } from '../support/harness.js';

const API_TOKEN = 'api-token-for-scripts-0123456789';

async function create(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
  return { status: res.status, body: (await res.json()) as { id?: string; code?: string } };
}

describe('CREATE_DOCS [ID4]', () => {
  it('[ID4] anyone (the default without sign-in): any request creates', async () => {
    await withServer({}, async (server) => {
      expect((await create(server.url)).status).toBe(201);
      const config = await (await fetch(`${server.url}/api/config`)).json();
      expect(config).toEqual({ signIn: false, createDocs: 'anyone' });
    });
  });

  it('[ID4] token: only Authorization: Bearer <API_TOKEN> creates; nothing else is stored', async () => {
    await withServer({ CREATE_DOCS: 'token', API_TOKEN }, async (server) => {
      expect(await create(server.url)).toMatchObject({ status: 401, body: { code: 'token_missing' } });
      expect(await create(server.url, { authorization: `Bearer ${API_TOKEN}x` })).toMatchObject({ status: 401, body: { code: 'token_invalid' } });
      expect(await create(server.url, { authorization: 'Bearer short' })).toMatchObject({ status: 401 });
      const made = await create(server.url, { authorization: `Bearer ${API_TOKEN}` });
      expect(made.status).toBe(201);
      // Refused requests left nothing behind: the only document on disk is the one created.
      expect(await readdir(join(server.dataDir, 'docs'))).toEqual([made.body.id]);
    });
  });

  it('[ID4] token mode reads API_TOKEN_FILE like the other secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-api-token-'));
    try {
      const file = join(dir, 'api-token');
      writeFileSync(file, `${API_TOKEN}\n`);
      await withServer({ CREATE_DOCS: 'token', API_TOKEN_FILE: file }, async (server) => {
        expect((await create(server.url, { authorization: `Bearer ${API_TOKEN}` })).status).toBe(201);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('identity settings [ID5]', () => {
  const oidc = { OIDC_ISSUER: 'https://id.example.org', OIDC_CLIENT_ID: 'tandem', OIDC_CLIENT_SECRET: 'client-secret' };

  it.each([
    [{ CREATE_DOCS: 'everyone' }, /^CREATE_DOCS: /],
    [{ CREATE_DOCS: 'token' }, /^CREATE_DOCS: token needs API_TOKEN/],
    [{ CREATE_DOCS: 'signed-in' }, /^CREATE_DOCS: signed-in needs sign-in/],
    [{ API_TOKEN: 'short' }, /^API_TOKEN: /],
    [{ OIDC_ISSUER: 'https://id.example.org' }, /^OIDC_CLIENT_ID: /],
    [{ OIDC_ISSUER: 'https://id.example.org', OIDC_CLIENT_ID: 'tandem' }, /^OIDC_CLIENT_SECRET: /],
    [{ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' }, /^OIDC_ISSUER: /],
    [{ OIDC_ISSUER: 'http://id.example.org', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' }, /^OIDC_ISSUER: must be an https URL/],
    [{ LINKS_REQUIRE_SIGN_IN: 'yes' }, /^LINKS_REQUIRE_SIGN_IN: /],
    [{ LINKS_REQUIRE_SIGN_IN: 'true' }, /^LINKS_REQUIRE_SIGN_IN: true needs sign-in/],
  ])('[ID5] an invalid value stops start-up with one line naming the variable: %o', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });

  it('[ID5] sign-in defaults CREATE_DOCS to signed-in; without it, anyone', () => {
    expect(loadConfig({}).CREATE_DOCS).toBe('anyone');
    expect(loadConfig({}).OIDC).toBeNull();
    const c = loadConfig(oidc);
    expect(c.CREATE_DOCS).toBe('signed-in');
    expect(c.OIDC).toEqual({ issuer: 'https://id.example.org', clientId: 'tandem', clientSecret: 'client-secret' });
    expect(loadConfig({ ...oidc, CREATE_DOCS: 'anyone' }).CREATE_DOCS).toBe('anyone');
    expect(loadConfig({ ...oidc, LINKS_REQUIRE_SIGN_IN: 'true' }).LINKS_REQUIRE_SIGN_IN).toBe(true);
  });

  it('[ID5] OIDC_CLIENT_SECRET_FILE is read like the other *_FILE secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-oidc-secret-'));
    try {
      const file = join(dir, 'secret');
      writeFileSync(file, 'from-a-file\n');
      const { OIDC_CLIENT_SECRET: _, ...rest } = oidc;
      expect(loadConfig({ ...rest, OIDC_CLIENT_SECRET_FILE: file }).OIDC?.clientSecret).toBe('from-a-file');
      expect(() => loadConfig({ ...oidc, OIDC_CLIENT_SECRET_FILE: file })).toThrow(/^OIDC_CLIENT_SECRET_FILE: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
