import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentSchema } from '../../src/export/schema.js';
import { connectClient, createDoc, startTestServer, synced, upgradeStatus, waitFor, type TestServer } from '../support/harness.js';
import { expectError, listTree, metric, rawJoin, rawRequest, textOf } from './support.js';

/** The public HTTP contract, held against a real server (PUBLIC_URL and SECRET configured). */
const SECRET = 'integration-secret-'.padEnd(40, 'x');
const PUBLIC_URL = 'https://tandem.example';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SECRET, PUBLIC_URL: `${PUBLIC_URL}/` });
});
afterAll(async () => {
  await server.dispose();
});

const api = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const socketUrl = (id: string, token: string) => `${server.wsUrl}/${id}?token=${token}`;

describe('documents API [contract]', () => {
  it('[contract] POST /api/docs → 201 with a URL-safe id and PUBLIC_URL/d/<id>#token=… links', async () => {
    const res = await api('/api/docs', { method: 'POST' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['commentToken', 'commentUrl', 'editToken', 'editUrl', 'id', 'viewToken', 'viewUrl']);
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(body.editUrl).toBe(`${PUBLIC_URL}/d/${body.id}#token=${body.editToken}`);
    expect(body.viewUrl).toBe(`${PUBLIC_URL}/d/${body.id}#token=${body.viewToken}`);
    expect(body.commentUrl).toBe(`${PUBLIC_URL}/d/${body.id}#token=${body.commentToken}`);
    expect(new Set([body.editToken, body.viewToken, body.commentToken]).size).toBe(3);
  });

  it('[contract][RL2][U2] a title given at creation shows in GET /api/docs/:id and the title Y.Text; updatedAt follows edits', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url, { title: 'Quarterly plan' });
    const res = await api(`/api/docs/${id}`, bearer(editToken));
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(meta).sort()).toEqual(['createdAt', 'id', 'linkGeneration', 'scope', 'title', 'updatedAt']);
    expect(meta).toMatchObject({ id, title: 'Quarterly plan', scope: 'edit', linkGeneration: 0 });
    expect(Number.isNaN(Date.parse(String(meta.createdAt)))).toBe(false);
    expect(Number.isNaN(Date.parse(String(meta.updatedAt)))).toBe(false);
    const viaQuery = await api(`/api/docs/${id}?token=${viewToken}`);
    expect(((await viaQuery.json()) as { scope: string }).scope).toBe('view');
    const c = connectClient(server.wsUrl, id, editToken);
    await synced(c.provider);
    expect(c.doc.getText('title').toString()).toBe('Quarterly plan');
    // [U2] an edit moves updatedAt, and the room's final write keeps it after unloading.
    c.text.insert(0, 'edited');
    await waitFor(() => server.registry.peek(id)?.doc.getText('t').length === 6, 'server has the edit');
    c.destroy();
    await waitFor(() => server.registry.size === 0, 'room unloaded');
    const later = (await (await api(`/api/docs/${id}`, bearer(viewToken))).json()) as { createdAt: string; updatedAt: string };
    expect(later.createdAt).toBe(meta.createdAt);
    expect(Date.parse(later.updatedAt)).toBeGreaterThan(Date.parse(String(meta.updatedAt)));
  });

  it('[contract] concurrent edits of the title merge character by character', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url, { title: 'Meeting notes' });
    const alice = connectClient(server.wsUrl, id, editToken);
    const bob = connectClient(server.wsUrl, id, editToken);
    await Promise.all([synced(alice.provider), synced(bob.provider)]);
    // Both edit before either hears the other: Alice at the start, Bob at the end.
    alice.doc.getText('title').insert(0, 'Draft: ');
    bob.doc.getText('title').insert(bob.doc.getText('title').length, ' – March 3');
    const merged = 'Draft: Meeting notes – March 3';
    await waitFor(() => [alice, bob].every((c) => c.doc.getText('title').toString() === merged), 'both see both edits');
    const info = (await (await api(`/api/docs/${id}`, bearer(viewToken))).json()) as { title: string };
    expect(info.title).toBe(merged);
    alice.destroy();
    bob.destroy();
  });

  it('[contract][U6] a title an old client kept in the meta map moves into the title text on the next load, once', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url);
    const old = connectClient(server.wsUrl, id, editToken);
    await synced(old.provider);
    old.doc.getMap('meta').set('title', 'Legacy plan'); // what editors before the title text wrote
    await waitFor(() => server.registry.peek(id)?.doc.getMap('meta').get('title') === 'Legacy plan', 'server has the write');
    old.destroy();
    await waitFor(() => server.registry.size === 0, 'room unloaded');
    const before = (await (await api(`/api/docs/${id}`, bearer(viewToken))).json()) as { title: string; updatedAt: string };
    expect(before.title).toBe('Legacy plan');
    const res = await api(`/api/docs/${id}/export?format=text&token=${viewToken}`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Legacy plan.txt"');
    expect(await res.text()).toBe('Legacy plan\n');
    await waitFor(() => server.registry.size === 0, 'room unloaded');
    const stored = await server.store.load(id);
    expect(textOf(stored).title).toBe('Legacy plan');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, stored!.snapshot!);
    for (const update of stored!.log) Y.applyUpdate(replica, update);
    expect(replica.getMap('meta').has('title')).toBe(false);
    // Loaded again: nothing left to move, nothing written, the title still once; a client sees the text.
    const c = connectClient(server.wsUrl, id, editToken);
    await synced(c.provider);
    expect(c.doc.getText('title').toString()).toBe('Legacy plan');
    expect(c.doc.getMap('meta').has('title')).toBe(false);
    c.destroy();
    await waitFor(() => server.registry.size === 0, 'room unloaded');
    expect(await server.store.load(id)).toEqual(stored);
    const after = (await (await api(`/api/docs/${id}`, bearer(viewToken))).json()) as { title: string; updatedAt: string };
    expect(after).toMatchObject({ title: 'Legacy plan', updatedAt: before.updatedAt });
  });

  it('[contract] bad create bodies: invalid JSON 400, unknown field 400, wrong type 400, oversized 413', async () => {
    const post = (body: string) => api('/api/docs', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await expectError(await post('{"title":'), 400, 'bad_request');
    await expectError(await post('{"title":"x","owner":"me"}'), 400, 'bad_request');
    await expectError(await post('{"title":42}'), 400, 'bad_request');
    await expectError(await post(JSON.stringify({ title: 'x'.repeat(201) })), 400, 'bad_request');
    await expectError(await post(JSON.stringify({ title: 'x'.repeat(70 * 1024) })), 413, 'too_large');
  });

  it('[H1] token checks on GET /api/docs/:id: missing 401, tampered 401, other document 403, unknown 404, bad id 400', async () => {
    const a = await createDoc(server.url);
    const b = await createDoc(server.url);
    await expectError(await api(`/api/docs/${a.id}`), 401, 'token_missing');
    const tampered = a.editToken.slice(0, -3) + (a.editToken.endsWith('AAA') ? 'BBB' : 'AAA');
    await expectError(await api(`/api/docs/${a.id}`, bearer(tampered)), 401, 'token_invalid');
    await expectError(await api(`/api/docs/${a.id}`, bearer(b.editToken)), 403, 'wrong_document');
    await expectError(await api(`/api/docs/${'Z'.repeat(22)}`, bearer(b.editToken)), 404, 'unknown_document');
    await expectError(await api(`/api/docs/${'Z'.repeat(22)}`), 401, 'token_missing');
    await expectError(await api(`/api/docs/bad!id`, bearer(a.editToken)), 400, 'invalid_id');
    // The same decisions before a socket upgrade.
    expect(await upgradeStatus(`${server.wsUrl}/${a.id}`)).toBe(401);
    expect(await upgradeStatus(socketUrl(a.id, tampered))).toBe(401);
    expect(await upgradeStatus(socketUrl(a.id, b.editToken))).toBe(403);
    expect(await upgradeStatus(socketUrl('Z'.repeat(22), b.editToken))).toBe(404);
  });

  it('[D7][H1] path tricks never reach storage: no document, no socket, no 5xx, nothing outside DATA_DIR is read or written', async () => {
    const { id, editToken } = await createDoc(server.url);
    const canary = 'canary-outside-the-editor-dir';
    await writeFile(join(server.dataDir, 'canary.txt'), canary);
    await waitFor(() => server.registry.size === 0, 'no room open');
    const before = await listTree(server.dataDir);
    const editorPage = await (await api('/')).text();
    const auth = { authorization: `Bearer ${editToken}` };
    const api_ = ['/api/docs/..%2F..%2Fetc', '/api/docs/..%2F..%2F..%2Fetc%2Fpasswd', '/api/docs/a%2Fb', `//api/docs/${id}`,
      '/api/docs/..', '/api/docs/%2e%2e', `/api/docs/${id}%2F..`, `/api/docs/${id.slice(0, 8)}.${id.slice(8)}`, '/api/docs/a.b.c.d.e.f.g.h',
      `/api/docs/${id}.json`, `/api/docs/${id}%00`, `/api/docs/..%2Fdocs%2F${id}`, '/assets/..%2F..%2Fcanary.txt',
      '/assets/%2e%2e/%2e%2e/canary.txt', '/assets/..%5C..%5Ccanary.txt', '/favicon.svg/..%2F..%2Fcanary.txt'];
    const collab = ['/collab/..%2Fsecret', `/collab//${id}`, `/collab/${id}%2F..`, `/collab/..%2F..%2Fdocs%2F${id}`,
      '/collab/a.b.c.d.e.f.g.h', `/collab/${id}.`, '/collab/..', `//collab/${id}`];
    for (const path of [...api_, ...collab]) {
      const withToken = `${path}${path.includes('?') ? '&' : '?'}token=${editToken}`;
      for (const res of [await rawRequest(server.url, path, { headers: auth }), await rawRequest(server.url, withToken)]) {
        // A dot segment may resolve to `/` (the URL parser normalises it): only the editor page may answer 200.
        if (res.status === 200) expect(res.body, path).toBe(editorPage);
        else expect(res.status, path).toBeLessThan(500);
        expect(res.body, path).not.toContain(canary);
      }
    }
    for (const path of collab) {
      const res = await rawRequest(server.url, `${path}?token=${editToken}`, { upgrade: true });
      expect(res.status, path).not.toBe(101);
      expect(res.status, path).toBeLessThan(500);
    }
    expect(await listTree(server.dataDir)).toEqual(before);
  });
});

describe('links, rotation and read-only access', () => {
  it('[R3] GET /api/docs/:id/links needs an edit token (view → 403)', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url);
    await expectError(await api(`/api/docs/${id}/links`, bearer(viewToken)), 403, 'forbidden');
    const res = await api(`/api/docs/${id}/links`, bearer(editToken));
    expect(res.status).toBe(200);
    expect(Object.keys(await res.json()).sort()).toEqual(['commentToken', 'commentUrl', 'editToken', 'editUrl', 'viewToken', 'viewUrl']);
  });

  it('[R3][H1] rotating links revokes old tokens over HTTP (401 token_revoked) and upgrade, closes their sockets with 4401', async () => {
    const { id, editToken, viewToken, commentToken } = await createDoc(server.url);
    const oldEdit = rawJoin(socketUrl(id, editToken));
    const oldView = rawJoin(socketUrl(id, viewToken));
    const oldComment = rawJoin(socketUrl(id, commentToken));
    await Promise.all([oldEdit.joined, oldView.joined, oldComment.joined]);
    await expectError(await api(`/api/docs/${id}/links/rotate`, { method: 'POST', ...bearer(viewToken) }), 403, 'forbidden');
    await expectError(await api(`/api/docs/${id}/links/rotate`, { method: 'POST', ...bearer(commentToken) }), 403, 'forbidden');
    const res = await api(`/api/docs/${id}/links/rotate`, { method: 'POST', ...bearer(editToken) });
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { editToken: string; viewToken: string; commentToken: string };
    expect(new Set([fresh.editToken, fresh.viewToken, fresh.commentToken, editToken, viewToken, commentToken]).size).toBe(6);
    expect(await oldEdit.closed).toBe(4401);
    expect(await oldView.closed).toBe(4401);
    expect(await oldComment.closed).toBe(4401);
    expect(((await (await api(`/api/docs/${id}`, bearer(fresh.commentToken))).json()) as { scope: string }).scope).toBe('comment');
    for (const old of [editToken, viewToken, commentToken]) {
      await expectError(await api(`/api/docs/${id}`, bearer(old)), 401, 'token_revoked');
      expect(await upgradeStatus(socketUrl(id, old))).toBe(401);
    }
    const meta = await api(`/api/docs/${id}`, bearer(fresh.viewToken));
    expect(((await meta.json()) as { linkGeneration: number }).linkGeneration).toBe(1);
    const c = connectClient(server.wsUrl, id, fresh.editToken);
    await synced(c.provider);
    c.text.insert(0, 'after rotation');
    await waitFor(() => server.registry.peek(id)?.doc.getText('t').toString() === 'after rotation', 'new token edits');
    c.destroy();
  });

  it('[R1][R2] a view client’s edits never reach an edit client or storage; it still receives live updates', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url);
    const droppedBefore = await metric(server.url, 'tandem_readonly_updates_dropped_total');
    const editor = connectClient(server.wsUrl, id, editToken);
    const viewer = connectClient(server.wsUrl, id, viewToken);
    await Promise.all([synced(editor.provider), synced(viewer.provider)]);
    viewer.text.insert(0, 'VIEWER');
    viewer.doc.getText('title').insert(0, 'hijacked');
    // Sent after the edits on the same socket: once the editor sees it, the edits were processed.
    viewer.provider.awareness.setLocalStateField('user', { name: 'Vera' });
    editor.text.insert(0, 'editor');
    await waitFor(() => viewer.text.toString().includes('editor'), '[R2] viewer receives the live update');
    await waitFor(() => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user?.name === 'Vera', 'viewer awareness');
    expect(editor.text.toString()).toBe('editor');
    expect(editor.doc.getText('title').toString()).toBe('');
    // The two edits are counted; the empty step2s the viewer answered the server's step1s with are not.
    expect(await metric(server.url, 'tandem_readonly_updates_dropped_total')).toBe(droppedBefore + 2);
    // Reconnecting makes the stock client offer its edits again (sync step2): still dropped, and counted.
    viewer.provider.disconnect();
    viewer.provider.connect();
    await synced(viewer.provider);
    await waitFor(
      async () => (await metric(server.url, 'tandem_readonly_updates_dropped_total')) > droppedBefore + 2,
      'the re-offered edits counted',
    );
    editor.destroy();
    viewer.destroy();
    await waitFor(() => server.registry.size === 0, 'room unloaded');
    expect(textOf(await server.store.load(id))).toEqual({ text: 'editor', title: '' });
  });
});

describe('export, operations and static pages [contract]', () => {
  it('[contract][R2] export as markdown, html, json and text with a token; unknown format 400, no token 401', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url);
    const c = connectClient(server.wsUrl, id, editToken);
    await synced(c.provider);
    const content = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Goals' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Ship ' }, { type: 'text', text: 'it', marks: [{ type: 'bold' }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'first item' }] }] }] },
      ],
    };
    c.doc.transact(() => {
      prosemirrorJSONToYXmlFragment(documentSchema, content, c.doc.getXmlFragment('default'));
      c.doc.getText('title').insert(0, 'Q3 Plan');
    });
    await waitFor(() => (server.registry.peek(id)?.doc.getXmlFragment('default').length ?? 0) === 3, 'server has the content');
    const get = (format: string, token?: string) => api(`/api/docs/${id}/export?format=${format}${token ? `&token=${token}` : ''}`);
    const expectations: [string, RegExp, string, (body: string) => void][] = [
      ['markdown', /^text\/markdown/, 'md', (b) => expect(b).toMatch(/## Goals[\s\S]*Ship \*\*it\*\*[\s\S]*[-*] first item/)],
      ['html', /^text\/html/, 'html', (b) => expect(b).toMatch(/<h2[^>]*>Goals<\/h2>[\s\S]*<strong>it<\/strong>[\s\S]*<li>/)],
      ['json', /^application\/json/, 'json', (b) => {
        const parsed = JSON.parse(b) as { title: string; content: { type: string; content: unknown[] } };
        expect(parsed.title).toBe('Q3 Plan');
        expect(parsed.content.type).toBe('doc');
        expect(parsed.content.content).toHaveLength(3);
      }],
      ['text', /^text\/plain/, 'txt', (b) => expect(b).toMatch(/Q3 Plan[\s\S]*Goals[\s\S]*Ship it[\s\S]*first item/)],
    ];
    for (const [format, type, extension, check] of expectations) {
      const res = await get(format, viewToken);
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-type'), format).toMatch(type);
      expect(res.headers.get('content-disposition'), format).toBe(`attachment; filename="Q3 Plan.${extension}"`);
      check(await res.text());
    }
    await expectError(await get('pdf', editToken), 400, 'bad_request');
    await expectError(await get('markdown'), 401, 'token_missing');
    c.destroy();
  });

  it('[contract] /healthz 200, /metrics in Prometheus text, GET / and /d/<id> serve the editor page', async () => {
    expect((await api('/healthz')).status).toBe(200);
    const metrics = await api('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    for (const name of ['tandem_connections', 'tandem_open_documents', 'tandem_messages_in_total', 'tandem_storage_write_seconds']) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    const { id } = await createDoc(server.url);
    for (const path of ['/', `/d/${id}`]) {
      const res = await api(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
    }
  });

  it('an unknown address is 404 either way: the app page for a browser, JSON for programs and under /api/', async () => {
    const browser = { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } };
    const page = await api('/nothing/here', browser);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html/i);
    const program = await api('/nothing/here');
    expect(program.status).toBe(404);
    expect(await program.json()).toMatchObject({ code: 'not_found' });
    const underApi = await api('/api/nothing', browser);
    expect(underApi.status).toBe(404);
    expect(underApi.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await api('/nothing/here', { ...browser, method: 'POST' })).headers.get('content-type')).toMatch(/^application\/json/);
  });
});
