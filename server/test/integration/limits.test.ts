import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signToken } from '../../src/auth/tokens.js';
import { encodeSyncUpdate } from '../../src/protocol/messages.js';
import { createDoc, startTestServer, upgradeStatus, waitFor, within, type TestServer } from '../support/harness.js';
import { expectError, metric, rawJoin, textOf } from './support.js';

/** Each limit against its own real server configured through the environment, as an operator would. */
const SECRET = 'limits-secret-'.padEnd(40, 'x');

describe('limits and expiry', () => {
  const limited = async (env: Record<string, string>, run: (s: TestServer) => Promise<void>) => {
    const s = await startTestServer(env);
    try {
      await run(s);
    } finally {
      await s.dispose();
    }
  };

  it('[L3] MAX_CONNECTIONS_PER_DOC=2 closes the third socket of a document with 1013', () =>
    limited({ MAX_CONNECTIONS_PER_DOC: '2' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const url = `${s.wsUrl}/${id}?token=${editToken}`;
      const [a, b] = [rawJoin(url), rawJoin(url)];
      await Promise.all([a.joined, b.joined]);
      expect(await rawJoin(url).closed).toBe(1013);
      expect(await metric(s.url, 'tandem_limit_trips_total', 'limit="connections_per_doc"')).toBe(1);
      a.ws.close();
      b.ws.close();
    }));

  it('[L3][H1] MAX_CONNECTIONS=3 answers the fourth upgrade with 503', () =>
    limited({ MAX_CONNECTIONS: '3' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const url = `${s.wsUrl}/${id}?token=${editToken}`;
      const open = [rawJoin(url), rawJoin(url), rawJoin(url)];
      await Promise.all(open.map((o) => o.joined));
      expect(await upgradeStatus(url)).toBe(503);
      open.forEach((o) => o.ws.close());
    }));

  it('[L4] MAX_MESSAGES_PER_SECOND=5: 50 query-awareness messages at once close the socket with 1008', () =>
    limited({ MAX_MESSAGES_PER_SECOND: '5' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const sock = rawJoin(`${s.wsUrl}/${id}?token=${editToken}`);
      await sock.joined;
      for (let i = 0; i < 50; i++) sock.ws.send(new Uint8Array([3]));
      expect(await sock.closed).toBe(1008);
      expect(await metric(s.url, 'tandem_limit_trips_total', 'limit="message_rate"')).toBe(1);
    }));

  it('[L2] MAX_DOC_BYTES=2048: an update pushing the document past it closes with 1008 and is not stored', () =>
    limited({ MAX_DOC_BYTES: '2048' }, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const sock = rawJoin(`${s.wsUrl}/${id}?token=${editToken}`);
      await sock.joined;
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      doc.getText('t').insert(0, 'small;');
      doc.getText('t').insert(6, 'y'.repeat(3000));
      sock.ws.send(encodeSyncUpdate(updates[0]!));
      await waitFor(() => s.registry.peek(id)?.doc.getText('t').toString() === 'small;', 'small update accepted');
      sock.ws.send(encodeSyncUpdate(updates[1]!));
      expect(await sock.closed).toBe(1008);
      expect(s.registry.peek(id)?.doc.getText('t').toString()).toBe('small;');
      expect(await metric(s.url, 'tandem_limit_trips_total', 'limit="document_size"')).toBe(1);
      await waitFor(() => s.registry.size === 0, 'room unloaded');
      expect(textOf(await s.store.load(id)).text).toBe('small;');
    }));

  it('[R4][H1] a token with exp a moment ahead gets its socket closed with 4401 when it expires, then is refused', () =>
    limited({ SECRET }, async (server) => {
      const socketUrl = (id: string, token: string) => `${server.wsUrl}/${id}?token=${token}`;
      const { id } = await createDoc(server.url);
      const key = new TextEncoder().encode(SECRET);
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const token = await signToken(key, { docId: id, scope: 'edit', generation: 0, expiresAt });
      const sock = rawJoin(socketUrl(id, token));
      await sock.joined;
      const code = await within(sock.closed, 4000, 'socket closed at expiry');
      expect(code).toBe(4401);
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000 - 50);
      expect(await upgradeStatus(socketUrl(id, token))).toBe(401);
      const res = await fetch(`${server.url}/api/docs/${id}`, { headers: { authorization: `Bearer ${token}` } });
      await expectError(res, 401, 'token_expired');
    }));
});
