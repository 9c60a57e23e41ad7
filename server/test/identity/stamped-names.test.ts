/**
 * [ID1][ID2] Tokens that name their holder (`sub`, `name`), end to end: a real server, the stock y-websocket
 * client. The server stamps the token's name on the connection's presence, on its history entries and on the
 * comments it writes, whatever the connection claims.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTokenKey, signToken } from '../../src/auth/tokens.js';
import { addThread } from '../comments/support.js';
import { joinAs, type Participant } from '../comments/people.js';
import { addParagraph, api } from '../history/support.js';
import { createDoc, startTestServer, waitFor, type TestServer } from '../support/harness.js';

const SECRET = 's'.repeat(40);
let server: TestServer;
const people: Participant[] = [];

beforeEach(async () => {
  server = await startTestServer({ SECRET, HISTORY_IDLE_MS: '100000' });
});
afterEach(async () => {
  for (const p of people.splice(0)) p.destroy();
  await server.dispose();
});

/** What another application holding SECRET mints for one of its users. */
async function namedToken(docId: string, scope: 'edit' | 'comment' | 'view', sub: string, name: string): Promise<string> {
  const key = await importTokenKey(new TextEncoder().encode(SECRET));
  return signToken(key, { docId, scope, generation: 0, sub, name });
}

async function person(id: string, token: string, claimed: string): Promise<Participant> {
  const p = await joinAs(server, id, token, claimed);
  people.push(p);
  return p;
}

/** The names the other peers of `observer` show, from its awareness. */
function namesSeenBy(observer: Participant): string[] {
  const own = observer.provider.awareness.clientID;
  return [...observer.provider.awareness.getStates()]
    .filter(([id]) => id !== own)
    .map(([, state]) => (state as { user?: { name?: string } }).user?.name ?? '?');
}

describe('named tokens [ID1]', () => {
  it('[ID1] presence shows the token’s name, not the one the connection announces; plain links keep theirs', async () => {
    const doc = await createDoc(server.url);
    const observer = await person(doc.id, doc.viewToken, 'Observer');
    await person(doc.id, await namedToken(doc.id, 'edit', 'user-1', 'Ada Lovelace'), 'Mallory');
    await person(doc.id, doc.editToken, 'Bob');
    await waitFor(() => namesSeenBy(observer).length === 2, 'the observer sees both peers');
    expect(namesSeenBy(observer).sort()).toEqual(['Ada Lovelace', 'Bob']);
  });

  it('[ID1] a renamed awareness state is stamped again; the colour and other fields stay', async () => {
    const doc = await createDoc(server.url);
    const observer = await person(doc.id, doc.viewToken, 'Observer');
    const ada = await person(doc.id, await namedToken(doc.id, 'edit', 'user-1', 'Ada'), 'Ada');
    ada.provider.awareness.setLocalStateField('user', { name: 'Someone Else', color: '#112233' });
    await waitFor(
      () => [...observer.provider.awareness.getStates().values()].some((s) => (s as { user?: { color?: string } }).user?.color === '#112233'),
      'the new colour arrives',
    );
    expect(namesSeenBy(observer)).toEqual(['Ada']);
  });

  it('[ID1] history records the stamped name and the user', async () => {
    const doc = await createDoc(server.url);
    const ada = await person(doc.id, await namedToken(doc.id, 'edit', 'user-1', 'Ada'), 'Mallory');
    addParagraph(ada.doc, 'Written by Ada');
    const edit = api(server, doc.editToken);
    await waitFor(async () => (await edit.get(`/${doc.id}/export?format=text`)).text.includes('Written by Ada'), 'the edit is stored');
    const version = await edit.post(`/${doc.id}/versions`, { name: 'v1' });
    expect(version.status).toBe(201);
    expect(version.json.authors).toEqual(['Ada']);
  });

  it('[R5] a token whose name or sub cannot be stamped is refused (401)', async () => {
    const doc = await createDoc(server.url);
    const key = await importTokenKey(new TextEncoder().encode(SECRET));
    for (const claims of [{ name: '   ' }, { name: 'x'.repeat(81) }, { sub: '' }]) {
      const token = await signToken(key, { docId: doc.id, scope: 'view', generation: 0, ...claims });
      const res = await fetch(`${server.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, JSON.stringify(claims)).toBe(401);
    }
  });
});

describe('comments of a named connection [ID2]', () => {
  it('[ID2] a comment under the stamped name is kept; one under another name is refused whole (4403)', async () => {
    const doc = await createDoc(server.url);
    const editor = await person(doc.id, doc.editToken, 'Editor');
    addParagraph(editor.doc, 'Some text to comment on');
    const ada = await person(doc.id, await namedToken(doc.id, 'comment', 'user-1', 'Ada'), 'Ada');
    await waitFor(() => ada.doc.getXmlFragment('default').length > 0, 'Ada has the text');
    addThread(ada.doc, 't1', { id: 'c1', author: 'Ada', body: 'Fine', createdAt: Date.now() });
    await waitFor(() => editor.doc.getMap('comments').has('t1'), 'the editor sees Ada’s thread');

    const mallory = await person(doc.id, await namedToken(doc.id, 'edit', 'user-2', 'Mallory'), 'Mallory');
    addThread(mallory.doc, 't2', { id: 'c2', author: 'Ada', body: 'Pretending', createdAt: Date.now() });
    await waitFor(() => mallory.closes.includes(4403), 'Mallory’s socket is closed');
    const threads = await api(server, doc.viewToken).get(`/${doc.id}/comments`);
    expect(threads.json.threads.map((t: { id: string }) => t.id)).toEqual(['t1']);
    expect(threads.json.threads[0].comments[0].author).toBe('Ada');
    expect(editor.doc.getMap('comments').has('t2')).toBe(false);
  });

  it('[ID2] connections without a stamped name still choose their label [CM4]', async () => {
    const doc = await createDoc(server.url);
    const editor = await person(doc.id, doc.editToken, 'Editor');
    addParagraph(editor.doc, 'Text');
    addThread(editor.doc, 't1', { id: 'c1', author: 'Anyone At All', body: 'Hi', createdAt: Date.now() });
    const threads = api(server, doc.viewToken);
    await waitFor(async () => (await threads.get(`/${doc.id}/comments`)).json.threads.length === 1, 'the thread is stored');
    expect(editor.closes).toEqual([]);
  });
});
