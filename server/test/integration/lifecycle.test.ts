import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, createDoc, startTestServer, synced, waitFor, type TestServer } from '../support/harness.js';
import { SERVER_DIR, metric, rawJoin } from './support.js';

const servers: TestServer[] = [];
async function start(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer(env);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

describe('document lifecycle', () => {
  it('[U1] 30 sockets for one document arriving at once cause exactly one load', async () => {
    const server = await start();
    const { id, editToken } = await createDoc(server.url, { title: 'busy' });
    // Give the document some history so loading it takes a moment.
    const writer = connectClient(server.wsUrl, id, editToken);
    await synced(writer.provider);
    for (let i = 0; i < 300; i++) writer.text.insert(writer.text.length, `line ${i}\n`);
    await waitFor(() => server.registry.peek(id)?.doc.getText('t').length === writer.text.length, 'server has the history');
    writer.destroy();
    await waitFor(async () => server.registry.size === 0 && (await metric(server.url, 'tandem_open_documents')) === 0, 'room unloaded');

    const loadsBefore = await metric(server.url, 'tandem_document_loads_total');
    const url = `${server.wsUrl}/${id}?token=${editToken}`;
    const sockets = Array.from({ length: 30 }, () => rawJoin(url));
    await Promise.all(sockets.map((s) => s.joined));
    expect(await metric(server.url, 'tandem_document_loads_total')).toBe(loadsBefore + 1);
    expect(await metric(server.url, 'tandem_open_documents')).toBe(1);
    expect(await metric(server.url, 'tandem_connections')).toBe(30);
    expect(server.registry.peek(id)?.connections.size).toBe(30);
    sockets.forEach((s) => s.ws.close());
    await waitFor(() => server.registry.size === 0, 'room unloaded again');
  });

  it('[U3][U2] a client arriving while the room unloads never loses an edit (20 rounds, ROOM_IDLE_MS=0)', async () => {
    const server = await start({ ROOM_IDLE_MS: '0' });
    const { id, editToken } = await createDoc(server.url);
    const unloadsBefore = await metric(server.url, 'tandem_document_unloads_total');
    const expected: string[] = [];
    const roomHas = (marker: string) => server.registry.peek(id)?.doc.getText('t').toString().includes(marker) === true;
    for (let round = 0; round < 20; round++) {
      for (const who of ['a', 'b']) {
        const c = connectClient(server.wsUrl, id, editToken);
        await synced(c.provider);
        // Whatever previous rounds wrote is here, whether it came from memory or from a fresh load.
        for (const marker of expected) expect(c.text.toString()).toContain(marker);
        const marker = `[${round}${who}]`;
        c.text.insert(c.text.length, marker);
        expected.push(marker);
        await waitFor(() => roomHas(marker), `server has ${marker}`);
        // The last client leaves: the room starts unloading at once; the next client arrives right behind it.
        c.destroy();
        if (round % 3 === 1) await new Promise((resolve) => setImmediate(resolve));
        if (round % 3 === 2) await new Promise((resolve) => setTimeout(resolve, round % 4));
      }
    }
    await waitFor(() => server.registry.size === 0, 'room unloaded');
    // The unload/reload path was really exercised, not just a room kept alive.
    expect(await metric(server.url, 'tandem_document_unloads_total')).toBeGreaterThan(unloadsBefore + 5);
    const fresh = connectClient(server.wsUrl, id, editToken);
    await synced(fresh.provider);
    expect(fresh.text.toString()).toBe(expected.join(''));
    fresh.destroy();
  });

  it('[U4] after 200 documents are opened and closed, open documents and heap return to baseline', async () => {
    // Vitest workers have no gc(): measure in a child started with --expose-gc (it runs the compiled server).
    const probe = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--no-warnings', probe], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? '', DOCS: '200', WARMUP: '40', DOC_CHARS: '50000' },
      timeout: 40_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(result.openDocuments).toBe(0);
    expect(result.connections).toBe(0);
    expect(result.loads).toBe(240);
    expect(result.unloads).toBe(240);
    // 200 documents of 50 kB each: keeping even a fraction of them would show. Allow 5 MB of noise.
    const MB = 1024 * 1024;
    expect(result.after!, `heap ${(result.baseline! / MB).toFixed(1)} MB -> ${(result.after! / MB).toFixed(1)} MB`).toBeLessThanOrEqual(
      result.baseline! + 5 * MB,
    );
  }, 60_000);
});
