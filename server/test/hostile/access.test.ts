/**
 * Access control against a real server, over HTTP and before the socket upgrade. Already covered elsewhere
 * and not repeated: missing/tampered tokens, tokens for another document and unknown ids
 * (integration/http-api "[H1] token checks"), path tricks in ids (integration/http-api "[D7][H1]"), rotation
 * (integration/http-api "[R3][H1]"), a token expiring mid-session (integration/limits "[R4][H1]"), read-only
 * sockets (integration/http-api "[R1][R2]"), and token verification itself (auth/tokens "[R5]").
 */
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { signToken } from '../../src/auth/tokens.js';
import { type CreatedDoc, createDoc, startTestServer, synced, type TestServer, upgradeStatus, waitFor } from '../support/harness.js';
import { expectError, rawRequest } from '../integration/support.js';
import { UPGRADE_HEADERS, expectServerLetGo, metric, requestHead, statusOf, tcp } from './support.js';

const SECRET = 'hostile-access-secret-'.padEnd(48, 'z');
const key = new TextEncoder().encode(SECRET);
const ALLOWED = ['https://app.example', 'https://other.example'];

let server: TestServer;
let doc: CreatedDoc;
beforeAll(async () => {
  server = await startTestServer({ SECRET, ALLOWED_ORIGINS: ALLOWED.join(', ') });
  doc = await createDoc(server.url);
});
afterAll(async () => {
  await server.dispose();
});

const ORIGIN = { Origin: ALLOWED[0]! };
const socketUrl = (id: string, token: string) => `${server.wsUrl}/${id}?token=${token}`;

describe('forged tokens [R5][H1]', () => {
  const claims = () => ({ doc: doc.id, scope: 'edit', gen: 0 });
  const forgeries: [string, () => Promise<string>][] = [
    ['alg: none', async () => new UnsecuredJWT(claims()).encode()],
    ['alg: none, spelled "None"', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'None', typ: 'JWT' })).toString('base64url');
      return `${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    }],
    ['signed with another key', () => signToken(new TextEncoder().encode('another-secret-'.padEnd(48, 'q')), { docId: doc.id, scope: 'edit', generation: 0 })],
    ['HS512 with the right key', () => new SignJWT(claims()).setProtectedHeader({ alg: 'HS512' }).sign(key)],
    ['a view token with its payload swapped for edit', async () => {
      const [h, , s] = doc.viewToken.split('.');
      return `${h}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.${s}`;
    }],
  ];

  it.each(forgeries)('[R5][H1] %s: 401 on every route and before the upgrade; no socket is held', async (_name, forge) => {
    const token = await forge();
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    for (const path of [`/api/docs/${doc.id}`, `/api/docs/${doc.id}/links`, `/api/docs/${doc.id}/export`]) {
      await expectError(await fetch(`${server.url}${path}`, bearer), 401, 'token_invalid');
    }
    await expectError(await fetch(`${server.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', ...bearer }), 401, 'token_invalid');
    expect(await upgradeStatus(socketUrl(doc.id, token), ORIGIN)).toBe(401);
    // The refused upgrade's TCP connection is closed by the server, even if the peer keeps its half open.
    const conn = await tcp(server.port, { allowHalfOpen: true });
    conn.socket.write(requestHead(`/collab/${doc.id}?token=${token}`, { ...UPGRADE_HEADERS, ...ORIGIN }));
    await waitFor(() => statusOf(conn) !== 0, 'an answer');
    expect(statusOf(conn)).toBe(401);
    await expectServerLetGo(conn, 'refused upgrade');
    const meta = await fetch(`${server.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}` } });
    expect(((await meta.json()) as { linkGeneration: number }).linkGeneration).toBe(0);
  });
});

describe('Origin allow-list (ALLOWED_ORIGINS) [H1]', () => {
  it('[H1] only the listed origins, exactly as browsers send them, open sockets; others get 403 (origin) before the token is looked at', async () => {
    const url = socketUrl(doc.id, doc.editToken);
    for (const origin of ALLOWED) expect(await upgradeStatus(url, { Origin: origin }), origin).toBe(101);
    const before = await metric(server.url, 'tandem_limit_trips_total', 'limit="origin"');
    const refused = [
      'https://evil.example',
      'null',
      'https://app.example.evil.example',
      'https://app.example:443',
      'https://app.example/',
      'http://app.example',
      'https://APP.EXAMPLE',
      `${ALLOWED[0]}, https://evil.example`,
    ];
    for (const origin of refused) expect(await upgradeStatus(url, { Origin: origin }), origin).toBe(403);
    expect(await upgradeStatus(url)).toBe(403); // no Origin at all
    // Refused before the token is verified: a forged token gets the same 403.
    expect(await upgradeStatus(socketUrl(doc.id, 'not-a-token'), { Origin: 'https://evil.example' })).toBe(403);
    expect(await metric(server.url, 'tandem_limit_trips_total', 'limit="origin"')).toBe(before + refused.length + 2);
    expect(server.logs.some((l) => l.msg.includes('ALLOWED_ORIGINS'))).toBe(true);
    // The HTTP API is not origin-bound (tokens protect it; browsers enforce CORS on reads).
    expect((await fetch(`${server.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.viewToken}`, Origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('[H1] a stock client from an allowed origin collaborates normally', async () => {
    /** What a browser on https://other.example sends. */
    class FromOtherApp extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { origin: ALLOWED[1] });
      }
    }
    const ydoc = new Y.Doc();
    const provider = new WebsocketProvider(server.wsUrl, doc.id, ydoc, {
      WebSocketPolyfill: FromOtherApp as unknown as typeof globalThis.WebSocket,
      params: { token: doc.editToken },
      disableBc: true,
    });
    await synced(provider);
    ydoc.getText('t').insert(0, 'from the app');
    await waitFor(() => server.registry.peek(doc.id)?.doc.getText('t').toString() === 'from the app', 'server has the edit');
    provider.destroy();
    ydoc.destroy();
  });
});

describe('`//` and `%2F` variants of every route [H1][D7]', () => {
  it('[H1][D7] no spelling of a route reaches a handler it should not: no 5xx, view and anonymous callers never get edit links or rotate', async () => {
    const { id, editToken, viewToken } = await createDoc(server.url);
    const spellings = (route: string): string[] => {
      const parts = route.split('/').filter(Boolean);
      const out = new Set<string>([`/${route.replace(/^\//, '')}`]);
      out.add(`//${parts.join('/')}`);
      out.add(`/${parts.join('/')}/`);
      out.add(`/${parts.join('/')}//`);
      for (let i = 1; i < parts.length; i++) {
        out.add(`/${parts.slice(0, i).join('/')}//${parts.slice(i).join('/')}`);
        out.add(`/${parts.slice(0, i).join('/')}%2F${parts.slice(i).join('/')}`);
        out.add(`/${parts.slice(0, i).join('/')}%2f${parts.slice(i).join('/')}`);
        out.add(`/${parts.slice(0, i).join('/')}/.%2F${parts.slice(i).join('/')}`);
      }
      out.add(`/${parts.join('/').replace(/s/, '%73')}`); // a percent-encoded letter
      out.add(`/${parts.join('/').toUpperCase()}`);
      return [...out];
    };
    const routes: [string, string][] = [
      ['POST', '/api/docs'],
      ['GET', `/api/docs/${id}`],
      ['GET', `/api/docs/${id}/links`],
      ['POST', `/api/docs/${id}/links/rotate`],
      ['GET', `/api/docs/${id}/export`],
      ['GET', `/collab/${id}`],
      ['GET', '/healthz'],
      ['GET', '/metrics'],
      ['GET', `/d/${id}`],
      ['GET', '/'],
    ];
    let checked = 0;
    for (const [method, route] of routes) {
      for (const path of spellings(route)) {
        for (const auth of [{}, { authorization: `Bearer ${viewToken}` }] as Record<string, string>[]) {
          const withQuery = Object.keys(auth).length === 0 ? `${path}${path.includes('?') ? '&' : '?'}token=${viewToken}` : path;
          for (const target of [path, withQuery]) {
            const res = await rawRequest(server.url, target, { method, headers: auth });
            checked++;
            expect(res.status, `${method} ${target}`).toBeLessThan(500);
            expect(res.body, `${method} ${target}`).not.toContain(editToken);
            if (/links/i.test(route) && res.status < 300) expect.fail(`${method} ${target} answered ${res.status} to a view or anonymous caller`);
          }
        }
        // Upgrades on every spelling of the socket route without a valid edit/view token never switch protocols.
        if (route.startsWith('/collab')) {
          const res = await rawRequest(server.url, path, { upgrade: true, headers: ORIGIN });
          expect(res.status, `upgrade ${path}`).not.toBe(101);
          expect(res.status, `upgrade ${path}`).toBeLessThan(500);
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
    const meta = await fetch(`${server.url}/api/docs/${id}`, { headers: { authorization: `Bearer ${viewToken}` } });
    expect(((await meta.json()) as { linkGeneration: number }).linkGeneration).toBe(0);
    expect((await fetch(`${server.url}/api/docs/${id}/links`, { headers: { authorization: `Bearer ${editToken}` } })).status).toBe(200);
    expect(await upgradeStatus(socketUrl(id, editToken), ORIGIN)).toBe(101);
  });
});
