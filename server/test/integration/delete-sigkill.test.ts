/**
 * [DEL2] SIGKILL at random moments of a delete, on the compiled server as `npm start` runs it: after a
 * restart the document is either whole or gone (nothing of it under DATA_DIR), never half, and a document
 * whose 204 was sent never comes back.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, createDoc, synced, upgradeStatus, waitFor } from '../support/harness.js';
import { spawnServer, stopChild, type ChildServer } from './support.js';

const children: ChildServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map(stopChild));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function start(dataDir: string): Promise<ChildServer> {
  const server = await spawnServer(dataDir, { FSYNC_INTERVAL_MS: '1000' });
  children.push(server);
  return server;
}

/** What a fresh stock client reads of the document's text, or null when the upgrade is refused with 404. */
async function readBack(server: ChildServer, id: string, token: string): Promise<string | null> {
  const status = await upgradeStatus(`${server.wsUrl}/${id}?token=${token}`);
  if (status === 404) return null;
  expect(status).toBe(101);
  const reader = connectClient(server.wsUrl, id, token);
  try {
    await synced(reader.provider);
    return reader.text.toString();
  } finally {
    reader.destroy();
  }
}

describe('[DEL2] SIGKILL during a delete', () => {
  it('[DEL2] whole or gone after a restart, never half; a 204 is never undone', async () => {
    const outcomes: string[] = [];
    // Kill delays spread over the delete's few milliseconds (and a little beyond, where it has finished).
    const delays = [0, 1, 2, 4, 6, 10, 25];
    for (const delay of delays) {
      const dataDir = await mkdtemp(join(tmpdir(), 'tandem-delete-kill-'));
      dirs.push(dataDir);
      const server = await start(dataDir);
      const doc = await createDoc(server.url);
      const writer = connectClient(server.wsUrl, doc.id, doc.editToken);
      await synced(writer.provider);
      for (let i = 0; i < 40; i++) writer.text.insert(writer.text.length, `line ${i}\n`);
      const written = writer.text.toString();
      // A second reader that has it all means the server has it all (durable before relayed [D1]).
      await waitFor(async () => (await readBack(server, doc.id, doc.viewToken)) === written, 'the text on the server');
      const version = await fetch(`${server.url}/api/docs/${doc.id}/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${doc.editToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'before' }),
      });
      expect(version.status).toBe(201);

      let answered: number | null = null;
      const request = fetch(`${server.url}/api/docs/${doc.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${doc.editToken}` },
      }).then(
        (res) => (answered = res.status),
        () => null,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      server.child.kill('SIGKILL');
      writer.destroy();
      expect((await server.exited).signal).toBe('SIGKILL');
      await request;

      const restarted = await start(dataDir);
      const text = await readBack(restarted, doc.id, doc.viewToken);
      const left = (await readdir(dataDir, { recursive: true })).filter((p) => p.includes(doc.id));
      if (text === null) {
        outcomes.push(`${delay} ms: gone${answered === 204 ? ' (204 sent)' : ''}`);
        expect(left).toEqual([]);
        const info = await fetch(`${restarted.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
        expect(info.status).toBe(404);
      } else {
        outcomes.push(`${delay} ms: whole`);
        expect(answered).not.toBe(204);
        expect(text).toBe(written);
        const versions = await fetch(`${restarted.url}/api/docs/${doc.id}/versions`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
        expect(((await versions.json()) as { versions: { name: string | null }[] }).versions.map((v) => v.name)).toContain('before');
      }
      await stopChild(restarted);
    }
    // Both outcomes are legitimate; the log says which each kill produced.
    console.info(`[DEL2] SIGKILL outcomes: ${outcomes.join('; ')}`);
  }, 120_000);
});
