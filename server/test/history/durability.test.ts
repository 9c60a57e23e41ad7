/**
 * History on the file store of the real server process (`node dist/main.js`): attribution and versions
 * survive compaction, restart and SIGKILL [HI2][HI4]; a restore killed midway leaves the old state or
 * the new one, never half [HI5].
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoc, waitFor } from '../support/harness.js';
import { spawnServer, stopChild, type ChildServer } from '../integration/support.js';
import { addParagraph, api, converged, join, typeInto, wipe, type Person } from './support.js';

const children: ChildServer[] = [];
const dirs: string[] = [];
const people: Person[] = [];

async function start(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const server = await spawnServer(dataDir, { COMPACT_AFTER_BYTES: '1024', HISTORY_IDLE_MS: '600000', ...env });
  children.push(server);
  return server;
}
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(joinPath(tmpdir(), 'tandem-history-'));
  dirs.push(dir);
  return dir;
}
async function person(server: ChildServer, id: string, token: string, name: string, color: string): Promise<Person> {
  const p = await join(server, id, token, name, color);
  people.push(p);
  return p;
}
function leave(): void {
  for (const p of people.splice(0)) p.destroy();
}

afterEach(async () => {
  leave();
  await Promise.all(children.splice(0).map(stopChild));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Who wrote each non-empty piece of text between `start` and now, as the server says. */
async function authorship(server: ChildServer, id: string, token: string): Promise<[string, string][]> {
  const diff = (await api(server, token).get(`/${id}/history/diff?from=start&to=now`)).json;
  return diff.blocks.flatMap((b: { segments: { text: string; change: string; author?: number }[] }) =>
    b.segments.filter((s) => s.text.length > 0 && s.change === 'insert').map((s) => [s.text, diff.authors[s.author!].name]),
  );
}

describe('history on the file store, across compaction, restart and SIGKILL', () => {
  it('[HI2] attribution and versions survive many compactions and a restart; then a SIGKILL', async () => {
    const dataDir = await tempDir();
    let server = await start(dataDir);
    const doc = await createDoc(server.url);
    const alice = await person(server, doc.id, doc.editToken, 'Alice', '#aa0000');
    const bob = await person(server, doc.id, doc.editToken, 'Bob', '#0000bb');
    addParagraph(alice.doc, 'Alice:');
    await converged([alice, bob], ['', 'Alice:'], "Alice's paragraph");
    addParagraph(bob.doc, 'Bob:');
    await converged([alice, bob], ['', 'Alice:', 'Bob:'], 'both paragraphs');
    // Enough single-character updates to compact the 1 KiB log many times over.
    for (let i = 0; i < 300; i++) typeInto(i % 2 === 0 ? alice.doc : bob.doc, i % 2 === 0 ? 1 : 2, 0, i % 2 === 0 ? 'a' : 'b');
    await converged([alice, bob], ['', `${'a'.repeat(150)}Alice:`, `${'b'.repeat(150)}Bob:`], 'all typing');
    const made = await api(server, doc.editToken).post(`/${doc.id}/versions`, { name: 'typed' });
    expect(made.status).toBe(201);
    const before = await authorship(server, doc.id, doc.viewToken);
    expect(before).toEqual([
      [`${'a'.repeat(150)}Alice:`, 'Alice'],
      [`${'b'.repeat(150)}Bob:`, 'Bob'],
    ]);
    leave();
    await stopChild(server);

    server = await start(dataDir);
    expect(await authorship(server, doc.id, doc.viewToken)).toEqual(before);
    const versions = (await api(server, doc.viewToken).get(`/${doc.id}/versions`)).json.versions;
    expect(versions.map((v: { name: string | null }) => v.name)).toContain('typed');

    // A change a peer has seen is in history after SIGKILL, attributed: the entry is written before the relay.
    const carol = await person(server, doc.id, doc.editToken, 'Carol', '#00aa00');
    const dave = await person(server, doc.id, doc.editToken, 'Dave', '#555555');
    addParagraph(carol.doc, 'Carol was here');
    await converged([carol, dave], ['', `${'a'.repeat(150)}Alice:`, `${'b'.repeat(150)}Bob:`, 'Carol was here'], 'Dave sees Carol');
    server.child.kill('SIGKILL');
    leave();
    await server.exited;
    server = await start(dataDir);
    expect(await authorship(server, doc.id, doc.viewToken)).toContainEqual(['Carol was here', 'Carol']);
  });

  it('[HI5] SIGKILL while a restore is under way leaves the old state or the restored one, never half', async () => {
    const dataDir = await tempDir();
    let server = await start(dataDir, { FSYNC_INTERVAL_MS: '1000' });
    const doc = await createDoc(server.url);
    const alice = await person(server, doc.id, doc.editToken, 'Alice', '#aa0000');
    const words = Array.from({ length: 400 }, (_, i) => `line ${i} of the text worth keeping`);
    for (const line of words) addParagraph(alice.doc, line);
    await waitFor(async () => (await api(server, doc.viewToken).get(`/${doc.id}/export?format=text`)).text.includes('line 399'), 'stored');
    const version = (await api(server, doc.editToken).post(`/${doc.id}/versions`, { name: 'full' })).json.id as string;
    wipe(alice.doc);
    await waitFor(async () => !(await api(server, doc.viewToken).get(`/${doc.id}/export?format=text`)).text.includes('line'), 'wiped');
    leave();
    const wholeText = words.join('\n');
    for (const delayMs of [0, 2, 5, 10, 20]) {
      const restoring = api(server, doc.editToken).post(`/${doc.id}/versions/${version}/restore`).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      server.child.kill('SIGKILL');
      await server.exited;
      await restoring;
      server = await start(dataDir, { FSYNC_INTERVAL_MS: '1000' });
      const text = (await api(server, doc.viewToken).get(`/${doc.id}/export?format=text`)).text;
      const lines = text.split('\n').filter((l) => l.startsWith('line '));
      // Either none of the lines (not restored) or every one of them, in order (restored).
      expect([0, words.length]).toContain(lines.length);
      if (lines.length > 0) expect(lines.join('\n')).toBe(wholeText);
      // Back to the wiped state for the next round.
      if (lines.length > 0) {
        const wiper = await person(server, doc.id, doc.editToken, 'Alice', '#aa0000');
        wipe(wiper.doc);
        await waitFor(async () => !(await api(server, doc.viewToken).get(`/${doc.id}/export?format=text`)).text.includes('line'), 'wiped again');
        leave();
      }
    }
  }, 120_000);
});
