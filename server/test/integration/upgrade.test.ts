/**
 * The socket route as the HTTP server's own 'upgrade' handling (ANALYSIS.md §3–4): refusals carry the API's
 * JSON error, other spellings of the route never upgrade, and an open socket keeps nothing of its handshake.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closed, createDoc, rawSocket, startTestServer, upgradeStatus, waitFor, type CreatedDoc, type TestServer } from '../support/harness.js';
import { SERVER_DIR, metric, rawRequest } from './support.js';

let server: TestServer;
let doc: CreatedDoc;
beforeAll(async () => {
  server = await startTestServer();
  doc = await createDoc(server.url);
});
afterAll(async () => {
  await server.dispose();
});

const upgrade = (path: string, headers: Record<string, string> = {}) => rawRequest(server.url, path, { upgrade: true, headers });

describe('the socket route [H1]', () => {
  it('[H1] refusals before the upgrade answer with the status and JSON error the HTTP API uses', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [`/collab/${doc.id}`, {}, 401, 'token_missing'],
      [`/collab/${doc.id}?token=not-a-token`, {}, 401, 'token_invalid'],
      [`/collab/${doc.id}`, { authorization: 'Bearer not-a-token' }, 401, 'token_invalid'],
      ['/collab/short', {}, 400, 'invalid_id'],
      [`/collab/${'Z'.repeat(22)}?token=${doc.editToken}`, {}, 404, 'unknown_document'],
    ];
    for (const [path, headers, status, code] of cases) {
      const res = await upgrade(path, headers);
      expect(res.status, path).toBe(status);
      expect(res.headers['content-type'], path).toBe('application/json');
      expect(res.headers.connection, path).toBe('close');
      expect(JSON.parse(res.body), path).toMatchObject({ code });
    }
    const other = await createDoc(server.url);
    const res = await upgrade(`/collab/${doc.id}?token=${other.viewToken}`);
    expect([res.status, (JSON.parse(res.body) as { code: string }).code]).toEqual([403, 'wrong_document']);
  });

  it('[H1] the token may come as a Bearer header or as ?token= (the first one), as on every route', async () => {
    expect(await upgradeStatus(`${server.wsUrl}/${doc.id}`, { authorization: `Bearer ${doc.viewToken}` })).toBe(101);
    expect(await upgradeStatus(`${server.wsUrl}/${doc.id}?token=${doc.editToken}&token=bad`)).toBe(101);
    expect(await upgradeStatus(`${server.wsUrl}/${doc.id}?token=bad&token=${doc.editToken}`)).toBe(401);
    expect(await upgradeStatus(`${server.wsUrl}/${doc.id}?x=1&token=${doc.editToken}`)).toBe(101);
  });

  it('[H1] other spellings of the route are checked the same way, then answered 404: sockets open only at /collab/<id>', async () => {
    const encodedLetter = `%${doc.id.charCodeAt(0).toString(16)}${doc.id.slice(1)}`;
    const spellings = [`/collab/${encodedLetter}`, `/c%6Fllab/${doc.id}`, `/collab/./${doc.id}`, `/x/../collab/${doc.id}`];
    // Upgrades to addresses that are pages or nothing at all: 4xx, never the page with 200.
    for (const path of ['/collab/..', '/collab/../', '/', `/d/${doc.id}`, '/healthz', '/nothing']) {
      const status = (await upgrade(path)).status;
      expect(status, path).toBeGreaterThanOrEqual(400);
      expect(status, path).toBeLessThan(500);
    }
    for (const path of spellings) {
      expect((await upgrade(`${path}?token=${doc.editToken}`)).status, path).toBe(404);
      expect((await upgrade(`${path}?token=not-a-token`)).status, path).toBe(401);
    }
    // Not GET: no route either.
    expect((await rawRequest(server.url, `/collab/${doc.id}?token=${doc.editToken}`, { method: 'POST', upgrade: true })).status).toBe(404);
    // Plain HTTP on the route: the same checks, then no route.
    expect((await rawRequest(server.url, `/collab/${doc.id}`)).status).toBe(401);
    expect((await rawRequest(server.url, `/collab/${doc.id}?token=${doc.editToken}`)).status).toBe(404);
  });

  it('[H1][M1] an admitted socket works as before: frames before and after the room opened, text frames closed with 1003', async () => {
    const ws = await rawSocket(`${server.wsUrl}/${doc.id}?token=${doc.editToken}`);
    ws.send('hello');
    expect((await closed(ws)).code).toBe(1003);
    await waitFor(async () => (await metric(server.url, 'tandem_connections')) === 0, 'the server let go of it');
  });

  it('[H1] an open socket keeps nothing of its HTTP upgrade request', async () => {
    // Vitest workers have no gc(): measured in a child started with --expose-gc (it runs the compiled server).
    const probe = fileURLToPath(new URL('./socket-probe.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--no-warnings', probe], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? '', SOCKETS: '100', PER_DOC: '5' },
      timeout: 40_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(result).toEqual({ sockets: 100, connections: 100, upgradeRequests: 100, upgradeRequestsAlive: 0 });
  }, 60_000);
});
