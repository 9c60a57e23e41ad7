/**
 * [DEL4] Deleting a document over HTTP, with real sockets and the stock y-websocket client: sockets closed
 * with 4404, every route 404 afterwards, nothing left under DATA_DIR, and nothing comes back after a restart.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '@tandem/common';
import { FileStore } from '../../src/storage/file/store.js';
import { overriding } from '../hostile/support.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closed,
  connectClient,
  createDoc,
  rawSocket,
  startTestServer,
  synced,
  upgradeStatus,
  waitFor,
  type CreatedDoc,
  type TestServer,
} from '../support/harness.js';

let server: TestServer;
const deletedIds: string[] = [];
beforeAll(async () => {
  server = await startTestServer({}, { onDocumentDeleted: (id) => deletedIds.push(id) });
});
afterAll(async () => {
  await server.dispose();
});

const del = (doc: CreatedDoc, token: string | null = doc.editToken) =>
  fetch(`${server.url}/api/docs/${doc.id}`, {
    method: 'DELETE',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

/** Every path under `dir` that names `id`. */
async function pathsNaming(dir: string, id: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((p) => p.includes(id));
}

/** Every route of the document, each with the token that would open it. */
function routes(doc: CreatedDoc): { method: string; path: string; body?: unknown }[] {
  return [
    { method: 'GET', path: '' },
    { method: 'GET', path: '/links' },
    { method: 'POST', path: '/links/rotate' },
    { method: 'GET', path: '/export?format=markdown' },
    { method: 'GET', path: '/comments' },
    { method: 'GET', path: '/versions' },
    { method: 'POST', path: '/versions', body: { name: 'after' } },
    { method: 'GET', path: '/history' },
    { method: 'DELETE', path: '' },
  ].map((r) => ({ ...r, path: `/api/docs/${doc.id}${r.path}` }));
}

describe('[DEL4] DELETE /api/docs/:id', () => {
  it('[DEL4] edit scope only: no token 401, view and comment 403, another document 403; the document stays', async () => {
    const doc = await createDoc(server.url);
    const other = await createDoc(server.url);
    expect((await del(doc, null)).status).toBe(401);
    expect((await del(doc, doc.viewToken)).status).toBe(403);
    expect((await del(doc, doc.commentToken)).status).toBe(403);
    expect((await del(doc, other.editToken)).status).toBe(403);
    const bad = await fetch(`${server.url}/api/docs/bad!id/`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.editToken}` } });
    expect(bad.status).toBe(404);
    const res = await fetch(`${server.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
    expect(res.status).toBe(200);
  });

  it('[DEL4] 204; open sockets (stock client, view socket) closed with 4404; every route and the upgrade 404; no file left', async () => {
    const doc = await createDoc(server.url, { title: 'Doomed' });
    const editor = connectClient(server.wsUrl, doc.id, doc.editToken);
    const closes: number[] = [];
    editor.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closes.push(event.code);
    });
    await synced(editor.provider);
    editor.text.insert(0, 'soon gone');
    const viewer = await rawSocket(`${server.wsUrl}/${doc.id}?token=${doc.viewToken}`);
    const viewerClosed = closed(viewer);
    await waitFor(() => server.registry.peek(doc.id)?.connections.size === 2, 'both sockets in the room');
    await waitFor(async () => (await pathsNaming(server.dataDir, doc.id)).length > 0, 'the document on disk');

    const res = await del(doc);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(deletedIds).toContain(doc.id);
    expect(await viewerClosed).toEqual({ code: CloseCode.DocumentDeleted, reason: 'document deleted' });
    await waitFor(() => closes.includes(CloseCode.DocumentDeleted), 'the stock client to see 4404');
    editor.destroy();

    for (const route of routes(doc)) {
      const answer = await fetch(server.url + route.path, {
        method: route.method,
        headers: { authorization: `Bearer ${doc.editToken}`, 'content-type': 'application/json' },
        ...(route.body ? { body: JSON.stringify(route.body) } : {}),
      });
      expect([route.method, route.path, answer.status]).toEqual([route.method, route.path, 404]);
    }
    expect(await upgradeStatus(`${server.wsUrl}/${doc.id}?token=${doc.editToken}`)).toBe(404);
    expect(await pathsNaming(server.dataDir, doc.id)).toEqual([]);
    // The room's unload would have written a version and a snapshot: it must write nothing.
    await waitFor(() => server.registry.peek(doc.id) === undefined, 'the room gone');
    expect(await pathsNaming(server.dataDir, doc.id)).toEqual([]);
  });

  it('[DEL4] a store that fails to delete: 500, sockets closed with 1011, the document still served with every edit', async () => {
    const failing = await startTestServer(
      {},
      {
        store: (dataDir) =>
          overriding(new FileStore({ dataDir, fsyncIntervalMs: 50 }), {
            delete: async () => {
              throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
            },
          }),
      },
    );
    try {
      const doc = await createDoc(failing.url);
      const writer = connectClient(failing.wsUrl, doc.id, doc.editToken);
      const closes: number[] = [];
      writer.provider.on('connection-close', (event: CloseEvent | null) => {
        if (event) closes.push(event.code);
      });
      await synced(writer.provider);
      writer.text.insert(0, 'kept');
      const res = await fetch(`${failing.url}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.editToken}` } });
      expect(res.status).toBe(500);
      await waitFor(() => closes.includes(CloseCode.InternalError), 'the socket closed with 1011');
      expect(closes).not.toContain(CloseCode.DocumentDeleted);
      // The client reconnects by itself and keeps editing; a fresh reader gets it all.
      writer.text.insert(writer.text.length, ' and more');
      const reader = connectClient(failing.wsUrl, doc.id, doc.viewToken);
      await synced(reader.provider);
      await waitFor(() => reader.text.toString() === 'kept and more', 'every edit on the server');
      writer.destroy();
      reader.destroy();
    } finally {
      await failing.dispose();
    }
  });

  it('[DEL4] a client typing through the delete brings nothing back, not even after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tandem-delete-restart-'));
    let own = await startTestServer({}, { dataDir });
    try {
      const doc = await createDoc(own.url);
      const typist = connectClient(own.wsUrl, doc.id, doc.editToken);
      await synced(typist.provider);
      let typing = true;
      const keys = (async () => {
        for (let i = 0; typing; i++) {
          typist.text.insert(typist.text.length, `${i} `);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      await waitFor(() => typist.text.length > 50, 'some typing');
      const res = await fetch(`${own.url}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.editToken}` } });
      expect(res.status).toBe(204);
      await waitFor(() => own.registry.peek(doc.id) === undefined, 'the room gone');
      typing = false;
      await keys;
      typist.destroy();
      expect(await pathsNaming(dataDir, doc.id)).toEqual([]);
      await own.dispose();
      own = await startTestServer({}, { dataDir });
      const after = await fetch(`${own.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
      expect(after.status).toBe(404);
      expect(await pathsNaming(dataDir, doc.id)).toEqual([]);
    } finally {
      await own.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
