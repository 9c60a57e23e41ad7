import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, createDoc, synced, waitFor, type TestServer } from '../support/harness.js';
import { metric } from '../integration/support.js';
import { verifySignature } from '../../src/webhooks/signature.js';
import type { Receiver } from './receiver.js';
import { cleanUpAfterEach, onCleanup, receiver, SECRET, serverFor } from './support.js';

cleanUpAfterEach();

function client(server: TestServer, id: string, token: string) {
  const c = connectClient(server.wsUrl, id, token);
  onCleanup(() => c.destroy());
  return c;
}

/** Adds a complete thread with one comment under `comments`, as the editor does [CM3]. */
function addThread(doc: Y.Doc, threadId: string, body: string): void {
  const fragment = doc.getXmlFragment('default');
  const position = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(fragment, 0));
  doc.transact(() => {
    const thread = new Y.Map<unknown>();
    doc.getMap('comments').set(threadId, thread);
    thread.set('quote', 'the passage');
    thread.set('from', position);
    thread.set('to', position);
    thread.set('resolved', false);
    const comments = new Y.Array<Y.Map<unknown>>();
    thread.set('comments', comments);
    comments.push([comment(`${threadId}-c1`, body)]);
  });
}

function comment(id: string, body: string): Y.Map<unknown> {
  const c = new Y.Map<unknown>();
  c.set('id', id);
  c.set('author', 'Ada');
  c.set('body', body);
  c.set('createdAt', 1_767_225_600_000);
  return c;
}

describe('webhooks [WH]', () => {
  it('[WH2][WH3] created, updated, comment and version events arrive from real edits, signed with a timestamp', async () => {
    const hook = await receiver();
    const server = await serverFor([hook]);
    const doc = await createDoc(server.url, { title: 'Plans' });
    await waitFor(() => hook.of('document.created').length === 1, 'document.created');
    const created = hook.of('document.created')[0]!;
    expect(created.json).toMatchObject({ type: 'document.created', documentId: doc.id, data: { title: 'Plans' } });
    expect(created.headers['tandem-event']).toBe('document.created');
    expect(created.headers['tandem-delivery']).toBe(created.json.id);
    const signature = String(created.headers['tandem-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Date.now() / 1000;
    expect(verifySignature(SECRET, created.body, signature, now)).toBe(true);
    expect(verifySignature('another-secret-entirely', created.body, signature, now)).toBe(false);
    expect(verifySignature(SECRET, created.body.replace('Plans', 'Plots'), signature, now)).toBe(false);
    // A replay an hour later is refused by its timestamp.
    expect(verifySignature(SECRET, created.body, signature, now + 3600)).toBe(false);

    const alice = client(server, doc.id, doc.editToken);
    await synced(alice.provider);
    alice.text.insert(0, 'hello');
    await waitFor(() => hook.of('document.updated').length === 1, 'document.updated');
    expect(hook.of('document.updated')[0]!.json).toMatchObject({ documentId: doc.id, data: { versionId: null } });

    addThread(alice.doc, 'thread-1', 'Is this right?');
    await waitFor(() => hook.of('comment.created').length === 1, 'comment.created for a new thread');
    expect(hook.of('comment.created')[0]!.json.data).toEqual({
      threadId: 'thread-1',
      quote: 'the passage',
      comment: { id: 'thread-1-c1', author: 'Ada', body: 'Is this right?', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    // A reply to the existing thread is one more event; editing text near it is none.
    const thread = alice.doc.getMap('comments').get('thread-1') as Y.Map<unknown>;
    (thread.get('comments') as Y.Array<Y.Map<unknown>>).push([comment('thread-1-c2', 'Yes.')]);
    thread.set('resolved', true);
    await waitFor(() => hook.of('comment.created').length === 2, 'comment.created for a reply');
    expect(hook.of('comment.created')[1]!.json.data).toMatchObject({ threadId: 'thread-1', comment: { id: 'thread-1-c2', body: 'Yes.' } });

    const res = await fetch(`${server.url}/api/docs/${doc.id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${doc.editToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'First draft' }),
    });
    expect(res.status).toBe(201);
    const version = (await res.json()) as { id: string };
    await waitFor(() => hook.of('version.created').some((r) => r.json.data.version && (r.json.data.version as { id: string }).id === version.id), 'version.created');
    expect(hook.of('version.created').at(-1)!.json.data.version).toMatchObject({ id: version.id, kind: 'named', name: 'First draft' });

    // The next update names the newest version.
    const before = hook.of('document.updated').length;
    alice.text.insert(0, 'more ');
    await waitFor(() => hook.of('document.updated').length > before, 'a later document.updated');
    expect(hook.of('document.updated').at(-1)!.json.data).toEqual({ versionId: version.id });
    expect(hook.of('comment.created')).toHaveLength(2);
    expect(await metric(server.url, 'tandem_webhook_deliveries_total', 'outcome="delivered"')).toBe(hook.received.length);
  });

  it('[WH2] document.updated is debounced per document: a burst of edits gives few events', async () => {
    const hook = await receiver();
    const server = await serverFor([hook], { WEBHOOK_DEBOUNCE_MS: '1000' });
    const [a, b] = [await createDoc(server.url), await createDoc(server.url)];
    const alice = client(server, a.id, a.editToken);
    const bob = client(server, b.id, b.editToken);
    await Promise.all([synced(alice.provider), synced(bob.provider)]);
    for (let i = 0; i < 60; i++) {
      alice.text.insert(alice.text.length, 'x');
      if (i % 3 === 0) bob.text.insert(0, 'y');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => new Set(hook.of('document.updated').map((r) => r.json.documentId)).size === 2, 'an update for each document');
    // Let any trailing window close, then count: ~0.6 s of edits in 1 s windows is one or two events each.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    for (const id of [a.id, b.id]) {
      const events = hook.of('document.updated').filter((r) => r.json.documentId === id);
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events.length).toBeLessThanOrEqual(2);
    }
  });

  it('[WH3] the verification snippet in the README accepts a real delivery and refuses a forged one', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    const snippet = /```js\n(import \{ createHmac[\s\S]*?function verifyTandemWebhook[\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'tandem-snippet-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'verify.mjs'), `${snippet}\nexport { verifyTandemWebhook }\n`);
    const { verifyTandemWebhook } = (await import(join(dir, 'verify.mjs'))) as {
      verifyTandemWebhook: (secret: string, body: string, signature: string) => boolean;
    };
    const hook = await receiver();
    const server = await serverFor([hook]);
    await createDoc(server.url, { title: 'Signed' });
    await waitFor(() => hook.received.length === 1, 'a delivery');
    const [delivery] = hook.received;
    const signature = String(delivery!.headers['tandem-signature']);
    expect(verifyTandemWebhook(SECRET, delivery!.body, signature)).toBe(true);
    expect(verifyTandemWebhook(SECRET, delivery!.body + ' ', signature)).toBe(false);
    expect(verifyTandemWebhook(SECRET, delivery!.body, signature.replace(/t=\d+/, 't=1000000000'))).toBe(false);
  });

  /**
   * A document whose thread `thread-a` (told once) is stored and whose room has unloaded, reopened by a second
   * client that holds the thread. The reopened room has seen the stored comments only as loaded state.
   */
  async function reopenedWithThread() {
    const hook = await receiver();
    const server = await serverFor([hook]);
    const doc = await createDoc(server.url);
    const alice = client(server, doc.id, doc.editToken);
    await synced(alice.provider);
    addThread(alice.doc, 'thread-a', 'first');
    await waitFor(() => hook.of('comment.created').length === 1, 'comment.created');
    alice.destroy();
    await waitFor(() => server.registry.size === 0, 'the document to unload');
    const bob = client(server, doc.id, doc.editToken);
    await synced(bob.provider);
    await waitFor(() => bob.doc.getMap('comments').has('thread-a'), 'the thread loaded');
    return { hook, bob };
  }

  it('[WH2] comments already stored are not new: reopening a document with comments sends no comment.created', async () => {
    const { hook, bob } = await reopenedWithThread();
    bob.text.insert(0, 'an edit after reopening');
    const updates = hook.of('document.updated').length;
    await waitFor(() => hook.of('document.updated').length > updates, 'the edit reported');
    expect(hook.of('comment.created')).toHaveLength(1);
  });

  it('[WH2] a comment that is the first change made to a reopened document is told, once', async () => {
    // A stock client's step2 is empty and changes nothing, so the new thread is the reopened room's first transaction.
    const { hook, bob } = await reopenedWithThread();
    addThread(bob.doc, 'thread-b', 'second');
    await waitFor(() => hook.of('comment.created').length === 2, 'the new thread told');
    expect(hook.of('comment.created')[1]!.json).toMatchObject({ data: { threadId: 'thread-b' } });
    bob.text.insert(0, 'an edit after the comment');
    const updates = hook.of('document.updated').length;
    await waitFor(() => hook.of('document.updated').length > updates, 'the edit reported');
    expect(hook.of('comment.created')).toHaveLength(2);
  });

  it('[WH2] document.deleted goes out through the module, to every receiver', async () => {
    const [one, two] = [await receiver(), await receiver()];
    const server = await serverFor([one, two]);
    const doc = await createDoc(server.url);
    server.webhooks!.documentDeleted(doc.id);
    for (const hook of [one, two]) await waitFor(() => hook.of('document.deleted').length === 1, 'document.deleted');
    expect(one.of('document.deleted')[0]!.json).toMatchObject({ type: 'document.deleted', documentId: doc.id, data: {} });
    // One event, one id, whichever receiver got it.
    expect(two.of('document.deleted')[0]!.json.id).toBe(one.of('document.deleted')[0]!.json.id);
  });
});
