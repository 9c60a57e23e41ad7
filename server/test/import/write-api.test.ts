/**
 * [IM6] The write API with people connected through the stock y-websocket client: a PUT or POST reaches
 * them live as one change, blocks it leaves alone keep their identity, history names "API".
 */
import { CONTENT_FRAGMENT } from '@tandem/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, join, paragraphsOf, type Person } from '../history/support.js';
import { createDoc, startTestServer, waitFor, type TestServer } from '../support/harness.js';
import { asBody, exported, request } from './support.js';

let server: TestServer;
const people: Person[] = [];

beforeEach(async () => {
  server = await startTestServer({ IMPORT_MAX_BYTES: String(32 * 1024) });
});
afterEach(async () => {
  for (const p of people.splice(0)) p.destroy();
  await server.dispose();
});

async function person(id: string, token: string, name: string): Promise<Person> {
  const p = await join(server, id, token, name, '#336699');
  people.push(p);
  return p;
}

const put = (id: string, token: string, body: unknown) => request(server, 'PUT', `/api/docs/${id}/content`, { token, json: body });
const add = (id: string, token: string, body: unknown) => request(server, 'POST', `/api/docs/${id}/content`, { token, json: body });

describe('PUT /api/docs/:id/content [IM6] (contract)', () => {
  it('replaces content and title as one change connected peers receive live; history names API', async () => {
    const doc = await createDoc(server.url, { title: 'Old' });
    const alice = await person(doc.id, doc.editToken, 'Alice');
    addParagraph(alice.doc, 'Alice was here.');
    await waitFor(async () => (await exported(server, doc.id, doc.viewToken, 'text')).includes('Alice was here.'), 'server has Alice’s text');
    const updates: number[] = [];
    alice.doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (origin !== null && typeof origin === 'object') updates.push(1);
    });

    const res = await put(doc.id, doc.editToken, { content: '## New\n\n- [x] done\n\nAlice was here.', format: 'markdown', title: 'New title' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: doc.id, title: 'New title', changed: true });
    await waitFor(() => alice.title() === 'New title' && paragraphsOf(alice.doc).length === 3, 'Alice receives the change');
    expect(alice.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).toContain('<heading level="2">New</heading>');
    expect(updates).toHaveLength(1);
    expect(await exported(server, doc.id, doc.viewToken, 'markdown')).toBe('# New title\n\n## New\n\n- [x] done\n\nAlice was here.\n');

    const history = await request(server, 'GET', `/api/docs/${doc.id}/history`, { token: doc.viewToken });
    expect(history.json.authors).toContainEqual({ name: 'API', color: null });
    // Writing the same again changes nothing.
    expect((await put(doc.id, doc.editToken, { content: '## New\n\n- [x] done\n\nAlice was here.', format: 'markdown' })).json.changed).toBe(false);
  });

  it('unchanged blocks keep their identity: a position inside one resolves to the same text after the write', async () => {
    const doc = await createDoc(server.url);
    const alice = await person(doc.id, doc.editToken, 'Alice');
    for (const text of ['Alpha', 'Beta stays', 'Gamma', 'Delta stays', 'Epsilon']) addParagraph(alice.doc, text);
    await waitFor(async () => (await exported(server, doc.id, doc.viewToken, 'text')).includes('Epsilon'), 'server has the paragraphs');
    const fragment = alice.doc.getXmlFragment(CONTENT_FRAGMENT);
    const textOf = (index: number) => (fragment.get(index) as Y.XmlElement).get(0) as Y.XmlText;
    const beta = textOf(2);
    const delta = textOf(4);
    const alpha = textOf(1);
    const inBeta = Y.createRelativePositionFromTypeIndex(beta, 5);
    const inDelta = Y.createRelativePositionFromTypeIndex(delta, 6);
    const inAlpha = Y.createRelativePositionFromTypeIndex(alpha, 3);

    const res = await put(doc.id, doc.editToken, { content: 'Alpha, edited\n\nBeta stays\n\nNew one\n\nDelta stays\n\nEpsilon, edited too', format: 'markdown' });
    expect(res.status).toBe(200);
    await waitFor(() => paragraphsOf(alice.doc).join('|') === 'Alpha, edited|Beta stays|New one|Delta stays|Epsilon, edited too', 'Alice sees the new text');
    for (const [position, type, index] of [[inBeta, beta, 5], [inDelta, delta, 6], [inAlpha, alpha, 3]] as const) {
      const absolute = Y.createAbsolutePositionFromRelativePosition(position, alice.doc);
      expect(absolute?.type).toBe(type);
      expect(absolute?.index).toBe(index);
    }
    // The edited paragraph was changed in place: its first characters are the same items.
    expect(alpha.toString()).toBe('Alpha, edited');
  });

  it('needs an edit link; bad bodies are refused and change nothing', async () => {
    const doc = await createDoc(server.url, { title: 'Keep' });
    const body = { content: 'x', format: 'text' };
    expect((await put(doc.id, doc.viewToken, body)).status).toBe(403);
    expect((await put(doc.id, doc.commentToken, body)).status).toBe(403);
    expect((await put(doc.id, '', body)).status).toBe(401);
    expect((await put(doc.id, doc.editToken, { content: 'x', format: 'pdf' })).status).toBe(400);
    expect((await put(doc.id, doc.editToken, { content: 'x' })).status).toBe(400);
    expect((await put(doc.id, doc.editToken, { content: 'x'.repeat(32 * 1024 + 1), format: 'text' })).status).toBe(413);
    expect(await exported(server, doc.id, doc.viewToken, 'text')).toBe('Keep\n');
  });
});

describe('POST /api/docs/:id/content and PUT /api/docs/:id/import [IM6]', () => {
  it('adds at the start and the end without touching what is there', async () => {
    const doc = await createDoc(server.url);
    const alice = await person(doc.id, doc.editToken, 'Alice');
    // A new document holds one empty paragraph: the first addition replaces it.
    expect((await add(doc.id, doc.editToken, { content: 'Middle', format: 'text', position: 'end' })).status).toBe(200);
    await waitFor(() => paragraphsOf(alice.doc).join('|') === 'Middle', 'Alice sees the first addition');
    const middle = (alice.doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect((await add(doc.id, doc.editToken, { content: '# Top', format: 'markdown', position: 'start' })).status).toBe(200);
    expect((await add(doc.id, doc.editToken, { content: '<p>Bottom</p>', format: 'html', position: 'end' })).status).toBe(200);
    await waitFor(() => paragraphsOf(alice.doc).join('|') === 'Top|Middle|Bottom', 'Alice sees both additions');
    expect((alice.doc.getXmlFragment(CONTENT_FRAGMENT).get(1) as Y.XmlElement).get(0)).toBe(middle);
    expect(await exported(server, doc.id, doc.viewToken, 'markdown')).toBe('# Top\n\nMiddle\n\nBottom\n');
    expect((await add(doc.id, doc.editToken, { content: 'x', format: 'text', position: 'middle' })).status).toBe(400);
  });

  it('replaces the content with an uploaded file, named by the editor', async () => {
    const doc = await createDoc(server.url);
    const res = await request(server, 'PUT', `/api/docs/${doc.id}/import?author=Alice&title=From%20file`, { token: doc.editToken, body: asBody('# Heading\n\ntext'), type: 'text/markdown' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: doc.id, title: 'From file', changed: true });
    expect(await exported(server, doc.id, doc.viewToken, 'markdown')).toBe('# From file\n\n# Heading\n\ntext\n');
    const history = await request(server, 'GET', `/api/docs/${doc.id}/history`, { token: doc.viewToken });
    expect(history.json.authors.map((a: { name: string }) => a.name)).toContain('Alice');
    const wrong = await request(server, 'PUT', `/api/docs/${doc.id}/import`, { token: doc.editToken, body: asBody('x'), type: 'image/png' });
    expect(wrong.status).toBe(415);
    expect((await request(server, 'PUT', `/api/docs/${doc.id}/import`, { token: doc.viewToken, body: asBody('x'), type: 'text/plain' })).status).toBe(403);
  });
});
