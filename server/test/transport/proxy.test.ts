/**
 * [L7] Behind a real nginx: with `TRUST_PROXY` the per-address limit counts real clients (here: distinct
 * loopback addresses 127.0.0.2 and 127.0.0.3 the clients bind to); without it, every socket is the proxy's;
 * and a peer that is not a trusted proxy cannot choose its address with `X-Forwarded-For`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDoc, startTestServer, type TestServer } from '../support/harness.js';
import { startNginx, type TestNginx } from '../support/nginx.js';

let server: TestServer | undefined;
let nginx: TestNginx | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await nginx?.stop();
  await server?.dispose();
  nginx = undefined;
  server = undefined;
});

/** Opens a socket from `localAddress`; resolves with the HTTP status of a refused upgrade, or 101. */
function open(wsUrl: string, docId: string, token: string, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/${docId}?token=${token}`, { localAddress, headers });
    sockets.push(ws);
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

async function behindNginx(env: Record<string, string>): Promise<{ id: string; editToken: string }> {
  server = await startTestServer({ MAX_CONNECTIONS_PER_IP: '2', ...env });
  nginx = await startNginx(Number(new URL(server.url).port));
  return createDoc(nginx.url);
}

describe('client addresses behind a reverse proxy [L7]', () => {
  it('with TRUST_PROXY the per-address limit counts each client, not the proxy', async () => {
    const doc = await behindNginx({ TRUST_PROXY: 'loopback' });
    const statuses = [];
    for (const from of ['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.3']) statuses.push(await open(nginx!.wsUrl, doc.id, doc.editToken, from));
    expect(statuses).toEqual([101, 101, 101, 101]);
    expect(await open(nginx!.wsUrl, doc.id, doc.editToken, '127.0.0.2')).toBe(503);
    expect(server!.logs.some((l) => l.msg.includes('per-address') && l.ip === '127.0.0.2')).toBe(true);
  });

  it('without TRUST_PROXY every socket through the proxy is the proxy’s', async () => {
    const doc = await behindNginx({});
    expect(await open(nginx!.wsUrl, doc.id, doc.editToken, '127.0.0.2')).toBe(101);
    expect(await open(nginx!.wsUrl, doc.id, doc.editToken, '127.0.0.3')).toBe(101);
    expect(await open(nginx!.wsUrl, doc.id, doc.editToken, '127.0.0.4')).toBe(503);
  });

  it('a peer that is not a trusted proxy cannot pick its address with X-Forwarded-For', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: '127.0.0.1' });
    const doc = await createDoc(server.url);
    const spoof = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    expect(await open(server.wsUrl, doc.id, doc.editToken, '127.0.0.9', spoof(1))).toBe(101);
    expect(await open(server.wsUrl, doc.id, doc.editToken, '127.0.0.9', spoof(2))).toBe(101);
    expect(await open(server.wsUrl, doc.id, doc.editToken, '127.0.0.9', spoof(3))).toBe(503);
  });
});
