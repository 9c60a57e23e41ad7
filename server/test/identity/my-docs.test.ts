/**
 * [ID6][ID7][ID8] Signed-in people with a real provider: personal tokens traded for share links (names
 * stamped on the socket), "My documents" (created and opened, title search, sorting by last edit, rename,
 * removal), and LINKS_REQUIRE_SIGN_IN=true refusing links that name nobody, over HTTP and before the upgrade.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { joinAs, type Participant } from '../comments/people.js';
import { addParagraph } from '../history/support.js';
import { startTestServer, upgradeStatus, waitFor, type TestServer } from '../support/harness.js';
import { CookieClient, signedInClient } from './browserless.js';
import { freePort, startProvider, type TestProvider } from './provider.js';

let provider: TestProvider;
let server: TestServer;
let base: string;
const people: Participant[] = [];

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startProvider(`${base}/auth/callback`);
  server = await startTestServer({
    PORT: String(port),
    PUBLIC_URL: base,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    LINKS_REQUIRE_SIGN_IN: 'true',
  });
});
afterAll(async () => {
  await server?.dispose();
  await provider?.close();
});
afterEach(() => {
  for (const p of people.splice(0)) p.destroy();
});

interface Created {
  id: string;
  editToken: string;
  viewToken: string;
}

async function create(browser: CookieClient, title: string): Promise<Created> {
  const res = await browser.request(`${base}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

async function exchange(browser: CookieClient, linkToken: string) {
  const res = await browser.request(`${base}/api/me/token`, { method: 'POST', headers: { authorization: `Bearer ${linkToken}` } });
  return { status: res.status, body: (await res.json()) as { token?: string; code?: string } };
}

async function myDocs(browser: CookieClient, query = '') {
  const res = await browser.request(`${base}/api/me/docs${query}`);
  return { status: res.status, body: (await res.json()) as { docs: { id: string; title: string; role: string; scope: string; url: string; token: string }[] } };
}

describe('personal tokens and links that need sign-in [ID6][ID8]', () => {
  it('[ID8] a share link that names nobody is refused (401 sign_in_required), over HTTP and before the upgrade', async () => {
    const alice = await signedInClient(base, provider, 'alice');
    const doc = await create(alice, 'Plans');
    const res = await fetch(`${base}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'sign_in_required' });
    expect(await upgradeStatus(`${server.wsUrl}/${doc.id}?token=${doc.editToken}`)).toBe(401);
  });

  it('[ID6] a signed-in person trades the link for a personal token: same scope, their name stamped on the socket', async () => {
    const alice = await signedInClient(base, provider, 'alice');
    const bob = await signedInClient(base, provider, 'bob');
    const doc = await create(alice, 'Shared');
    expect((await exchange(new CookieClient(), doc.viewToken)).status).toBe(401);
    const bobs = await exchange(bob, doc.viewToken);
    expect(bobs.status).toBe(200);
    const claims = JSON.parse(Buffer.from(bobs.body.token!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ doc: doc.id, scope: 'view', sub: 'bob', name: 'Bob Builder' });
    expect((await fetch(`${base}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${bobs.body.token}` } })).status).toBe(200);

    const alicesToken = (await exchange(alice, doc.editToken)).body.token!;
    const observer = await joinAs(server, doc.id, bobs.body.token!, 'Bob');
    people.push(observer);
    people.push(await joinAs(server, doc.id, alicesToken, 'Not Alice'));
    await waitFor(() => observer.provider.awareness.getStates().size === 2, 'Bob sees Alice');
    const names = [...observer.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name);
    expect(names).toContain('Alice Example');
    expect(names).not.toContain('Not Alice');
  });
});

describe('My documents [ID7]', () => {
  it('[ID7] lists what was created or opened signed in; title search; sorted by last edit; rename; removal', async () => {
    const carol = await signedInClient(base, provider, 'carol');
    const dave = await signedInClient(base, provider, 'dave');
    const older = await create(carol, 'Quarterly report');
    const newer = await create(carol, 'Holiday plans');
    const others = await create(dave, 'Dave’s notes');
    // Carol opens Dave's document through a view link: it joins her list as opened, view only.
    expect((await exchange(carol, others.viewToken)).status).toBe(200);
    // An edit makes the older one the most recently edited.
    const editor = await joinAs(server, older.id, (await exchange(carol, older.editToken)).body.token!, 'Carol');
    people.push(editor);
    addParagraph(editor.doc, 'Numbers');
    await waitFor(async () => (await myDocs(carol)).body.docs[0]?.id === older.id, 'the edited document comes first');

    const listed = (await myDocs(carol)).body.docs;
    expect(listed[0]).toMatchObject({ title: 'Quarterly report', role: 'created', scope: 'edit' });
    expect(listed.map((d) => [d.title, d.role, d.scope]).sort()).toEqual([
      ['Dave’s notes', 'opened', 'view'],
      ['Holiday plans', 'created', 'edit'],
      ['Quarterly report', 'created', 'edit'],
    ]);
    expect(listed[0]!.url).toBe(`${base}/d/${older.id}#token=${listed[0]!.token}`);
    expect((await myDocs(carol, '?q=HOLIDAY')).body.docs.map((d) => d.id)).toEqual([newer.id]);
    expect((await myDocs(carol, '?sort=title')).body.docs.map((d) => d.title)).toEqual(['Dave’s notes', 'Holiday plans', 'Quarterly report']);
    expect((await myDocs(carol, '?sort=sideways')).status).toBe(400);
    // Dave's list is his own.
    expect((await myDocs(dave)).body.docs.map((d) => d.id)).toEqual([others.id]);

    const renamed = await carol.request(`${base}/api/me/docs/${newer.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Summer plans' }),
    });
    expect(renamed.status).toBe(200);
    const readBack = await fetch(`${base}/api/docs/${newer.id}`, { headers: { authorization: `Bearer ${(await exchange(carol, newer.viewToken)).body.token}` } });
    expect(((await readBack.json()) as { title: string }).title).toBe('Summer plans');
    const viewOnly = await carol.request(`${base}/api/me/docs/${others.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Mine now' }),
    });
    expect(viewOnly.status).toBe(403);

    expect((await carol.request(`${base}/api/me/docs/${others.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await myDocs(carol)).body.docs.map((d) => d.id).sort()).toEqual([older.id, newer.id].sort());
    expect((await myDocs(new CookieClient())).status).toBe(401);

    // The lists live under DATA_DIR/users, named by a hash of the subject, never the subject itself.
    const files = await readdir(join(server.dataDir, 'users'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const name of files) expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(await readFile(join(server.dataDir, 'users', files[0]!), 'utf8')).toContain('"docs"');
  });
});
