/**
 * [HI4] Automatic versions: when editing pauses, at least every max interval while it goes on, and when
 * the document unloads — each only when something changed. [HI1] `HISTORY=off` keeps none of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createDoc, startTestServer, waitFor, type TestServer } from '../support/harness.js';
import { addParagraph, api, join, type Person } from './support.js';

let server: TestServer | undefined;
const people: Person[] = [];
afterEach(async () => {
  for (const p of people.splice(0)) p.destroy();
  await server?.dispose();
  server = undefined;
});

async function versionsOf(s: TestServer, id: string, token: string): Promise<{ kind: string; authors: string[]; inserted: number }[]> {
  return (await api(s, token).get(`/${id}/versions`)).json.versions;
}

describe('automatic versions [HI4]', () => {
  it('are made when editing pauses, with the authors since the last one, and not again while nothing changes', async () => {
    server = await startTestServer({ HISTORY_IDLE_MS: '150' }, { store: () => createMemoryStore() });
    const doc = await createDoc(server.url);
    const alice = await join(server, doc.id, doc.editToken, 'Alice', '#aa0000');
    people.push(alice);
    addParagraph(alice.doc, 'one');
    await waitFor(async () => (await versionsOf(server!, doc.id, doc.viewToken)).length === 1, 'a version after the pause');
    const [first] = await versionsOf(server, doc.id, doc.viewToken);
    expect(first).toMatchObject({ kind: 'auto', authors: ['Alice'] });
    expect(first!.inserted).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await versionsOf(server, doc.id, doc.viewToken)).toHaveLength(1);
  });

  it('are made at least every max interval while editing goes on', async () => {
    server = await startTestServer({ HISTORY_IDLE_MS: '60000', HISTORY_MAX_INTERVAL_MS: '1000' }, { store: () => createMemoryStore() });
    const doc = await createDoc(server.url);
    const alice = await join(server, doc.id, doc.editToken, 'Alice', '#aa0000');
    people.push(alice);
    const started = Date.now();
    while (Date.now() - started < 2600) {
      addParagraph(alice.doc, 'more');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor(async () => (await versionsOf(server!, doc.id, doc.viewToken)).length >= 2, 'versions while typing');
  });

  it('are made when the document unloads, if it changed', async () => {
    const store = createMemoryStore();
    server = await startTestServer({ HISTORY_IDLE_MS: '60000' }, { store: () => store });
    const doc = await createDoc(server.url);
    const alice = await join(server, doc.id, doc.editToken, 'Alice', '#aa0000');
    addParagraph(alice.doc, 'bye');
    await waitFor(async () => (await store.readHistory(doc.id)).length === 1, 'the change recorded');
    alice.destroy();
    await waitFor(async () => (await store.listVersions(doc.id)).length === 1, 'a version at unload');
    expect((await store.listVersions(doc.id))[0]).toMatchObject({ kind: 'auto', authors: [{ name: 'Alice', color: '#aa0000' }] });
  });
});

describe('HISTORY=off [HI1]', () => {
  it('records nothing and answers the history routes with 404', async () => {
    const store = createMemoryStore();
    server = await startTestServer({ HISTORY: 'off' }, { store: () => store });
    const doc = await createDoc(server.url);
    const alice = await join(server, doc.id, doc.editToken, 'Alice', '#aa0000');
    people.push(alice);
    addParagraph(alice.doc, 'x');
    await waitFor(async () => (await api(server!, doc.viewToken).get(`/${doc.id}/export?format=text`)).text.includes('x'), 'stored');
    expect((await api(server, doc.viewToken).get(`/${doc.id}/versions`)).status).toBe(404);
    expect(await store.readHistory(doc.id)).toEqual([]);
  });
});
