/**
 * Comment links end to end [CM2–CM5][R1]: a real server, the stock y-websocket client as people, the file
 * store. A comment connection adds threads, replies and resolves, and edit peers receive each; its text
 * edits, and changes to others' comments, are refused whole (4403) and never relayed or stored; view
 * connections cannot comment; misshapen entries are refused from anyone (1008); every HTTP route keeps its
 * scope, and a comment link reads what a view link reads.
 */
import { COMMENTS_MAP, CONTENT_FRAGMENT } from '@tandem/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addThread, anchors, bodiesOf, commentsOf, firstText, reply, shapeProblems, threadOf } from '../comments/support.js';
import { joinAs, storedDoc, type Participant } from '../comments/people.js';
import { createDoc, startTestServer, upgradeStatus, waitFor, type TestServer } from '../support/harness.js';
import { metric } from './support.js';

let server: TestServer;
const people: Participant[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const p of people.splice(0)) p.destroy();
  await server.dispose();
});

async function person(id: string, token: string, name: string): Promise<Participant> {
  const p = await joinAs(server, id, token, name);
  people.push(p);
  return p;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const threadIds = (doc: Y.Doc) => [...doc.getMap(COMMENTS_MAP).keys()].sort();

/** A document with Alice (edit) on it, one paragraph of text, and Carol (comment link) on it. */
async function scene() {
  const doc = await createDoc(server.url);
  const alice = await person(doc.id, doc.editToken, 'Alice');
  addParagraph(alice.doc, 'The quick brown fox jumps');
  const carol = await person(doc.id, doc.commentToken, 'Carol');
  await waitFor(() => carol.doc.getXmlFragment(CONTENT_FRAGMENT).length === 2, 'Carol has the text');
  return { doc, alice, carol };
}

/** Waits until the room is unloaded (final write done), then reads what the store holds. */
async function onDisk(id: string): Promise<Y.Doc> {
  for (const p of people.splice(0)) p.destroy();
  await waitFor(() => server.registry.size === 0, 'room unloaded');
  return storedDoc(server.store, id);
}

describe('a comment connection [CM2]', () => {
  it('adds a thread, replies and resolves; the edit peer receives each; it receives the edit peer’s replies', async () => {
    const { doc, alice, carol } = await scene();
    const text = () => (carol.doc.getXmlFragment(CONTENT_FRAGMENT).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    const from = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text(), 4));
    const to = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text(), 9, -1));
    addThread(carol.doc, 't1', { id: 'c1', author: 'Carol', body: 'Which fox?', createdAt: Date.UTC(2024, 0, 2) }, { quote: 'quick', from, to });
    await waitFor(() => threadIds(alice.doc).includes('t1'), 'Alice sees the thread');
    reply(alice.doc, 't1', { id: 'c2', author: 'Alice', body: 'The brown one.' });
    await waitFor(() => bodiesOf(carol.doc, 't1').length === 2, 'Carol sees the reply');
    reply(carol.doc, 't1', { id: 'c3', author: 'Carol', body: 'Thanks!' });
    threadOf(carol.doc, 't1').set('resolved', true);
    await waitFor(() => threadOf(alice.doc, 't1').get('resolved') === true, 'Alice sees it resolved');
    expect(bodiesOf(alice.doc, 't1')).toEqual(['Which fox?', 'The brown one.', 'Thanks!']);
    expect(carol.closes).toEqual([]);
    // [CM5] The HTTP view of it, with a view link.
    const res = await fetch(`${server.url}/api/docs/${doc.id}/comments`, bearer(doc.viewToken));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      threads: [
        {
          id: 't1',
          quote: 'quick',
          resolved: true,
          detached: false,
          comments: [
            { id: 'c1', author: 'Carol', body: 'Which fox?', createdAt: '2024-01-02T00:00:00.000Z' },
            { id: 'c2', author: 'Alice', body: 'The brown one.', createdAt: '2023-11-14T22:13:20.000Z' },
            { id: 'c3', author: 'Carol', body: 'Thanks!', createdAt: '2023-11-14T22:13:20.000Z' },
          ],
        },
      ],
    });
    const stored = await onDisk(doc.id);
    expect(bodiesOf(stored, 't1')).toEqual(['Which fox?', 'The brown one.', 'Thanks!']);
    expect(shapeProblems(stored)).toEqual([]);
  });

  it('a text edit is refused whole: closed with 4403, never relayed or stored, counted', async () => {
    const { doc, alice, carol } = await scene();
    const before = await metric(server.url, 'tandem_update_refusals_total', 'reason="outside_comments"');
    // One change that comments and types at once: none of it may land.
    carol.doc.transact(() => {
      addThread(carol.doc, 'sneaky', { id: 'c1', author: 'Carol', body: 'cover' });
      firstText(carol.doc).insert(0, 'Not ');
    });
    await waitFor(() => carol.closes.includes(4403), 'Carol closed with 4403');
    // Alice's own next edit arrives after Carol's refused one would have: so Carol's was not relayed.
    addParagraph(alice.doc, 'Alice goes on.');
    await waitFor(() => server.registry.peek(doc.id)!.doc.getXmlFragment(CONTENT_FRAGMENT).length === 3, 'server has Alice’s edit');
    expect(firstText(alice.doc).toString()).toBe('');
    expect(alice.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).not.toContain('Not ');
    expect(threadIds(alice.doc)).toEqual([]);
    expect(await metric(server.url, 'tandem_update_refusals_total', 'reason="outside_comments"')).toBe(before + 1);
    expect(server.logs.some((l) => l.msg === 'refused an update' && l.reason === 'outside_comments')).toBe(true);
    const stored = await onDisk(doc.id);
    expect(stored.getXmlFragment(CONTENT_FRAGMENT).toString()).not.toContain('Not ');
    expect(stored.share.has(COMMENTS_MAP)).toBe(false);
  });

  it('[CM4] cannot change someone else’s comment (4403); can change its own', async () => {
    const { doc, alice, carol } = await scene();
    addThread(alice.doc, 't1', { id: 'a1', author: 'Alice', body: 'Alice wrote this' }, anchors(alice.doc));
    await waitFor(() => threadIds(carol.doc).includes('t1'), 'Carol sees Alice’s thread');
    reply(carol.doc, 't1', { id: 'c1', author: 'Carol', body: 'mine' });
    await waitFor(() => bodiesOf(alice.doc, 't1').length === 2, 'Alice sees Carol’s reply');
    commentsOf(carol.doc, 't1').get(1).set('body', 'mine, edited');
    await waitFor(() => bodiesOf(alice.doc, 't1')[1] === 'mine, edited', 'Alice sees Carol’s edit');
    commentsOf(carol.doc, 't1').get(0).set('body', 'Carol rewrote Alice');
    await waitFor(() => carol.closes.includes(4403), 'Carol closed with 4403');
    expect(await metric(server.url, 'tandem_update_refusals_total', 'reason="not_own"')).toBe(1);
    const stored = await onDisk(doc.id);
    expect(bodiesOf(stored, 't1')).toEqual(['Alice wrote this', 'mine, edited']);
  });

  it('[R1] a view connection cannot comment: its thread is dropped, never relayed or stored', async () => {
    const { doc, alice } = await scene();
    const vera = await person(doc.id, doc.viewToken, 'Vera');
    addThread(vera.doc, 'v1', { id: 'v1', author: 'Vera', body: 'let me in' }, anchors(vera.doc));
    addParagraph(alice.doc, 'after');
    await waitFor(() => vera.doc.getXmlFragment(CONTENT_FRAGMENT).length === 3, 'Vera receives live updates');
    expect(threadIds(alice.doc)).toEqual([]);
    const res = await fetch(`${server.url}/api/docs/${doc.id}/comments?token=${doc.viewToken}`);
    expect(await res.json()).toEqual({ threads: [] });
    expect((await onDisk(doc.id)).share.has(COMMENTS_MAP)).toBe(false);
  });

  it('[CM3] a misshapen entry is refused from an edit connection too (1008), and nothing of it relayed', async () => {
    const { doc, alice, carol } = await scene();
    alice.doc.getMap(COMMENTS_MAP).set('junk', 'not a thread');
    await waitFor(() => alice.closes.includes(1008), 'Alice closed with 1008');
    const bob = await person(doc.id, doc.editToken, 'Bob');
    expect(threadIds(bob.doc)).toEqual([]);
    expect(threadIds(carol.doc)).toEqual([]);
    expect(await metric(server.url, 'tandem_update_refusals_total', 'reason="shape"')).toBe(1);
  });
});

describe('exports with comments [CM6]', () => {
  it('comments=1 adds Markdown footnotes and HTML asides, for the document and for a version; anything but 0/1 is a 400', async () => {
    const { doc, alice, carol } = await scene();
    addThread(carol.doc, 't1', { id: 'c1', author: 'Carol', body: 'Nice fox' }, anchors(carol.doc, 20, 5, 1));
    await waitFor(() => bodiesOf(alice.doc, 't1').length === 1, 'Alice has the thread');
    const get = (path: string) => fetch(`${server.url}/api/docs/${doc.id}${path}`, bearer(doc.commentToken));
    const markdown = await (await get('/export?format=markdown&comments=1')).text();
    expect(markdown).toContain('The quick brown fox jumps[^c1]');
    expect(markdown).toContain('[^c1]: *“jumps”*');
    expect(markdown).toContain('**Carol**');
    expect(await (await get('/export?format=markdown')).text()).not.toContain('[^c1]');
    const html = await (await get('/export?format=html&comments=1')).text();
    expect(html).toContain('<aside class="comment-thread" id="comment-1" data-resolved="false">');
    const version = await fetch(`${server.url}/api/docs/${doc.id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${doc.editToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'with a comment' }),
    });
    const vid = ((await version.json()) as { id: string }).id;
    expect(await (await get(`/versions/${vid}/export?format=markdown&comments=1`)).text()).toContain('[^c1]: *“jumps”*');
    expect((await get('/export?format=markdown&comments=yes')).status).toBe(400);
  });
});

describe('every HTTP route keeps its scope; a comment link reads what a view link reads', () => {
  it('view routes accept view, comment and edit; edit routes refuse view and comment (403)', async () => {
    const { id, editToken, viewToken, commentToken } = await createDoc(server.url, { title: 'Scopes' });
    const version = await fetch(`${server.url}/api/docs/${id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'v1' }),
    });
    const vid = ((await version.json()) as { id: string }).id;
    const since = new Date(Date.now() - 60_000).toISOString();
    const routes: [method: string, path: string, needs: 'view' | 'edit', body?: unknown][] = [
      ['GET', `/api/docs/${id}`, 'view'],
      ['GET', `/api/docs/${id}/export?format=text`, 'view'],
      ['GET', `/api/docs/${id}/comments`, 'view'],
      ['GET', `/api/docs/${id}/versions`, 'view'],
      ['GET', `/api/docs/${id}/versions/${vid}/export?format=text`, 'view'],
      ['GET', `/api/docs/${id}/history`, 'view'],
      ['GET', `/api/docs/${id}/history/diff?from=start&to=now`, 'view'],
      ['GET', `/api/docs/${id}/history/attribution`, 'view'],
      ['GET', `/api/docs/${id}/links`, 'edit'],
      ['POST', `/api/docs/${id}/versions`, 'edit', { name: 'v2' }],
      ['POST', `/api/docs/${id}/versions/${vid}/restore`, 'edit', {}],
      ['POST', `/api/docs/${id}/history/revert`, 'edit', { target: 'Nobody', since }],
    ];
    for (const [method, path, needs, body] of routes) {
      for (const [scope, token] of [['view', viewToken], ['comment', commentToken], ['edit', editToken]] as const) {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const allowed = needs === 'view' || scope === 'edit';
        expect(res.status, `${scope} ${method} ${path}`).toBe(allowed ? (method === 'POST' && path.endsWith('/versions') ? 201 : 200) : 403);
        await res.arrayBuffer();
      }
    }
    const info = await fetch(`${server.url}/api/docs/${id}`, bearer(commentToken));
    expect(((await info.json()) as { scope: string }).scope).toBe('comment');
    // Rotation last (it revokes the tokens above).
    for (const token of [viewToken, commentToken]) {
      expect((await fetch(`${server.url}/api/docs/${id}/links/rotate`, { method: 'POST', ...bearer(token) })).status).toBe(403);
    }
    expect((await fetch(`${server.url}/api/docs/${id}/links/rotate`, { method: 'POST', ...bearer(editToken) })).status).toBe(200);
  });

  it('[H1] a comment token opens a socket; it does not open another document’s', async () => {
    const a = await createDoc(server.url);
    const b = await createDoc(server.url);
    expect(await upgradeStatus(`${server.wsUrl}/${a.id}?token=${a.commentToken}`)).toBe(101);
    expect(await upgradeStatus(`${server.wsUrl}/${b.id}?token=${a.commentToken}`)).toBe(403);
  });
});
