/**
 * [HI] The history routes end to end: real server, the stock y-websocket client as people, the
 * file store (PostgreSQL: test/storage contract and test/cluster).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addThread, commentsOf } from '../comments/support.js';
import { createDoc, startTestServer, waitFor, type TestServer } from '../support/harness.js';
import { addParagraph, api, converged, join, typeInto, wipe, type Person } from './support.js';

let server: TestServer;
const people: Person[] = [];

beforeEach(async () => {
  server = await startTestServer({ HISTORY_IDLE_MS: '100000' });
});
afterEach(async () => {
  for (const p of people.splice(0)) p.destroy();
  await server.dispose();
});

async function person(id: string, token: string, name: string, color: string): Promise<Person> {
  const p = await join(server, id, token, name, color);
  people.push(p);
  return p;
}

describe('versions [HI4] (contract)', () => {
  it('names, lists newest first with authors, exports a version as it was, and restores it live', async () => {
    const doc = await createDoc(server.url, { title: 'Plan' });
    const alice = await person(doc.id, doc.editToken, 'Alice', '#aa0000');
    const bob = await person(doc.id, doc.editToken, 'Bob', '#0000bb');
    const edit = api(server, doc.editToken);
    const view = api(server, doc.viewToken);

    addParagraph(alice.doc, 'Alice wrote this.');
    await converged([alice, bob], ['', 'Alice wrote this.'], 'both see Alice');
    const named = await edit.post(`/${doc.id}/versions`, { name: 'First draft' });
    expect(named.status).toBe(201);
    expect(named.json).toMatchObject({ name: 'First draft', kind: 'named', authors: ['Alice'] });
    expect(named.json.authorDetails).toEqual([{ name: 'Alice', color: '#aa0000' }]);
    expect(Date.parse(named.json.createdAt)).not.toBeNaN();

    wipe(bob.doc);
    await converged([alice, bob], [''], 'both see the wipe');

    const listed = await view.get(`/${doc.id}/versions`);
    expect(listed.status).toBe(200);
    expect(listed.json.versions.map((v: { id: string }) => v.id)).toEqual([named.json.id]);

    const exported = await view.get(`/${doc.id}/versions/${named.json.id}/export?format=text`);
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('Alice wrote this.');
    expect(exported.text).toContain('Plan');
    const asJson = await view.get(`/${doc.id}/versions/${named.json.id}/export?format=json`);
    expect(asJson.json.title).toBe('Plan');

    const restored = await edit.post(`/${doc.id}/versions/${named.json.id}/restore`, { author: { name: 'Alice', color: '#aa0000' } });
    expect(restored.status).toBe(200);
    expect(restored.json.version).toMatchObject({ kind: 'restore', authors: ['Bob'] });
    await converged([alice, bob], ['', 'Alice wrote this.'], 'both see the restored text');

    // The state before the restore is a version: restoring it undoes the restore.
    const undo = await edit.post(`/${doc.id}/versions/${restored.json.version.id}/restore`);
    expect(undo.status).toBe(200);
    await converged([alice, bob], [''], 'the restore undone');
    const after = await view.get(`/${doc.id}/versions`);
    expect(after.json.versions.map((v: { kind: string }) => v.kind)).toEqual(['restore', 'restore', 'named']);
  });

  it('restores the title too, and leaves comments alone', async () => {
    const doc = await createDoc(server.url, { title: 'Old title' });
    const alice = await person(doc.id, doc.editToken, 'Alice', '#aa0000');
    const edit = api(server, doc.editToken);
    const v1 = await edit.post(`/${doc.id}/versions`, { name: 'v1' });
    alice.doc.transact(() => {
      const title = alice.doc.getText('title');
      title.delete(0, title.length);
      title.insert(0, 'New title');
      addThread(alice.doc, 't1', { id: 'c1', author: 'Alice', body: 'kept' });
    });
    await waitFor(async () => (await edit.get(`/${doc.id}/history`)).json.total >= 1, 'the change recorded');
    expect((await edit.post(`/${doc.id}/versions/${v1.json.id}/restore`)).status).toBe(200);
    await waitFor(() => alice.title() === 'Old title', 'title restored');
    expect(commentsOf(alice.doc, 't1').toJSON()).toMatchObject([{ id: 'c1', body: 'kept' }]);
  });

  it('the timeline of a document nobody has changed is empty, not an error', async () => {
    const doc = await createDoc(server.url);
    const res = await api(server, doc.viewToken).get(`/${doc.id}/history`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ total: 0, points: [] });
  });

  it('answers bad input with 400/404 and changes nothing', async () => {
    const doc = await createDoc(server.url);
    const edit = api(server, doc.editToken);
    const view = api(server, doc.viewToken);
    expect((await view.get(`/${doc.id}/versions/nope123/export?format=text`)).status).toBe(404);
    expect((await view.get(`/${doc.id}/versions/${'%2e%2e%2fx'}/export`)).status).toBe(404);
    expect((await edit.post(`/${doc.id}/versions/nope123/restore`)).status).toBe(404);
    expect((await edit.post(`/${doc.id}/versions`, { name: '' })).status).toBe(400);
    expect((await edit.post(`/${doc.id}/versions`, { name: 'x'.repeat(201) })).status).toBe(400);
    expect((await edit.post(`/${doc.id}/versions`, { title: 'x' })).status).toBe(400);
    expect((await view.get(`/${doc.id}/history/diff?from=@99&to=now`)).status).toBe(400);
    expect((await view.get(`/${doc.id}/history/diff?from=../../x&to=now`)).status).toBe(400);
    expect((await view.get(`/${doc.id}/history/diff?from=start&to=abcdefgh`)).status).toBe(404);
    expect((await edit.post(`/${doc.id}/history/revert`, { target: 'Bob', since: 'yesterday' })).status).toBe(400);
    // Scopes: a view link reads history, never changes it.
    expect((await view.post(`/${doc.id}/versions`, { name: 'mine' })).status).toBe(403);
    expect((await view.get(`/${doc.id}/versions`)).json.versions).toEqual([]);
    expect((await api(server, 'garbage').get(`/${doc.id}/versions`)).status).toBe(401);
  });
});

describe('attribution [HI2][HI3] and diffs', () => {
  it('says who inserted and who deleted each piece of text, and the timeline steps through the changes', async () => {
    const doc = await createDoc(server.url);
    const alice = await person(doc.id, doc.editToken, 'Alice', '#aa0000');
    const bob = await person(doc.id, doc.editToken, 'Bob', '#0000bb');
    const view = api(server, doc.viewToken);
    addParagraph(alice.doc, 'Hello world');
    await converged([alice, bob], ['', 'Hello world'], 'Alice typed');
    typeInto(bob.doc, 1, 5, ', dear');
    await converged([alice, bob], ['', 'Hello, dear world'], 'Bob typed');
    const v = await api(server, doc.editToken).post(`/${doc.id}/versions`, { name: 'both' });
    wipe(bob.doc);
    await converged([alice, bob], [''], 'Bob wiped');

    const diff = await view.get(`/${doc.id}/history/diff?from=${v.json.id}&to=now`);
    expect(diff.status).toBe(200);
    const names = diff.json.authors.map((a: { name: string }) => a.name);
    // The wipe removed the (empty) seed paragraph too.
    const deleted = diff.json.blocks.filter((b: { change: string; segments: unknown[] }) => b.change === 'delete' && b.segments.length > 0);
    expect(deleted).toHaveLength(1);
    const segs = deleted[0].segments as { text: string; change: string; author: number }[];
    expect(segs.map((s) => s.text).join('')).toBe('Hello, dear world');
    expect(segs.every((s) => s.change === 'delete' && names[s.author] === 'Bob')).toBe(true);

    const written = await view.get(`/${doc.id}/history/diff?from=start&to=${v.json.id}`);
    const block = written.json.blocks.find((b: { segments: { text: string }[] }) => b.segments.length > 1);
    const byAuthor = block.segments.map((s: { text: string; author: number }) => [s.text, written.json.authors[s.author].name]);
    expect(byAuthor).toEqual([
      ['Hello', 'Alice'],
      [', dear', 'Bob'],
      [' world', 'Alice'],
    ]);

    const timeline = await view.get(`/${doc.id}/history`);
    expect(timeline.json.total).toBe(3);
    expect(timeline.json.points.map((p: { n: number }) => p.n)).toEqual([1, 2, 3]);
    const atTwo = await view.get(`/${doc.id}/history/diff?from=@1&to=@2`);
    const texts = atTwo.json.blocks.map((b: { segments: { text: string }[] }) => b.segments.map((s) => s.text).join(''));
    expect(texts).toContain('Hello, dear world');

    const attribution = await view.get(`/${doc.id}/history/attribution`);
    const runNames = new Set(attribution.json.runs.map((r: number[]) => attribution.json.authors[r[3]!].name));
    expect(runNames).toEqual(new Set(['Alice', 'Bob']));
  });
});

describe('selective revert [HI6]', () => {
  it("removes exactly one author's changes since a time and keeps everyone else's", async () => {
    const doc = await createDoc(server.url);
    const alice = await person(doc.id, doc.editToken, 'Alice', '#aa0000');
    const bob = await person(doc.id, doc.editToken, 'Bob', '#0000bb');
    const edit = api(server, doc.editToken);
    addParagraph(alice.doc, 'Alpha beta gamma');
    await converged([alice, bob], ['', 'Alpha beta gamma'], 'Alice wrote');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Bob deletes "beta " and adds a paragraph; Alice then edits inside Bob's paragraph and her own.
    (bob.doc.getXmlFragment('default').get(1) as import('yjs').XmlElement).get(0);
    bob.doc.transact(() => {
      const text = (bob.doc.getXmlFragment('default').get(1) as import('yjs').XmlElement).get(0) as import('yjs').XmlText;
      text.delete(6, 5);
    });
    addParagraph(bob.doc, 'Bob was here');
    await converged([alice, bob], ['', 'Alpha gamma', 'Bob was here'], 'Bob edited');
    typeInto(alice.doc, 1, 11, '!');
    await converged([alice, bob], ['', 'Alpha gamma!', 'Bob was here'], 'Alice edited after Bob');

    const res = await edit.post(`/${doc.id}/history/revert`, { target: 'Bob', since, author: { name: 'Alice' } });
    expect(res.status).toBe(200);
    expect(res.json.changed).toBe(true);
    expect(res.json.version.kind).toBe('restore');
    await converged([alice, bob], ['', 'Alpha beta gamma!'], "Bob's changes undone, Alice's kept");

    const again = await edit.post(`/${doc.id}/history/revert`, { target: 'Nobody', since });
    expect(again.json).toEqual({ changed: false, version: null });
  });
});
