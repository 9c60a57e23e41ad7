/**
 * Awareness (cursors, names) against clients that vanish without saying goodbye. Setting or removing
 * another connection's state is refused: test/integration/raw-protocol.test.ts "[A1]"; states removed on a clean close:
 * test/integration/collab.test.ts "[A2]".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { encodeAwareness, encodeAwarenessEntries } from '../../src/protocol/messages.js';
import { connectClient, type CreatedDoc, createDoc, startTestServer, synced, type TestServer, waitFor } from '../support/harness.js';
import { Opcode, frame, metric, rawUpgrade } from './support.js';

const PING_INTERVAL_MS = 300;
let server: TestServer;
let doc: CreatedDoc;
beforeAll(async () => {
  server = await startTestServer({ PING_INTERVAL_MS: String(PING_INTERVAL_MS) });
  doc = await createDoc(server.url);
});
afterAll(async () => {
  await server.dispose();
});

/** A client over raw TCP that announces a cursor and then never answers anything (no pongs). */
async function ghost(clientId: number, on: { server: TestServer; doc: CreatedDoc } = { server, doc }) {
  const ws = await rawUpgrade(on.server.port, `/collab/${on.doc.id}?token=${on.doc.editToken}`);
  const state = JSON.stringify({ user: { name: `Ghost ${clientId}` } });
  ws.send(frame(Opcode.Binary, encodeAwareness(encodeAwarenessEntries([{ clientId, clock: 1, state }]))));
  return ws;
}

describe('clients that vanish without a close frame [H4][A2]', () => {
  it('[H4][A2] a client that stops answering pings is dropped, and its cursor removed for everyone, by the ping check', async () => {
    const observer = connectClient(server.wsUrl, doc.id, doc.editToken);
    await synced(observer.provider);
    const states = () => observer.provider.awareness.getStates();
    const silent = await ghost(5001);
    await waitFor(() => states().has(5001), 'observer sees the ghost');
    const connectionsWithGhost = await metric(server.url, 'tandem_connections');
    // From now on the ghost reads nothing and answers no ping: as if its network went away. Nothing but the
    // pings can find out (its TCP connection stays open), so the removal proves them.
    await waitFor(() => !states().has(5001), 'ghost removed by the ping check', 10 * PING_INTERVAL_MS);
    await waitFor(async () => (await metric(server.url, 'tandem_connections')) === connectionsWithGhost - 1, 'socket terminated');
    await waitFor(() => silent.isClosed(), 'the server closed the ghost connection');
    observer.destroy();
  });

  it('[A2] a client whose TCP connection is destroyed without a close frame disappears at once', async () => {
    // Pings a minute apart: the removal can only come from the connection's end, not from [H4].
    const quiet = await startTestServer({ PING_INTERVAL_MS: '60000' });
    try {
      const quietDoc = await createDoc(quiet.url);
      const observer = connectClient(quiet.wsUrl, quietDoc.id, quietDoc.editToken);
      await synced(observer.provider);
      const states = () => observer.provider.awareness.getStates();
      const gone = await ghost(5002, { server: quiet, doc: quietDoc });
      await waitFor(() => states().has(5002), 'observer sees the ghost');
      gone.socket.destroy();
      await waitFor(() => !states().has(5002), 'ghost removed', 5000);
      observer.destroy();
    } finally {
      await quiet.dispose();
    }
  });

  it('[A1] claiming another connection\'s cursor is refused and counted (awareness_ownership); the claimant stays connected', async () => {
    const owner = connectClient(server.wsUrl, doc.id, doc.editToken);
    await synced(owner.provider);
    owner.provider.awareness.setLocalStateField('user', { name: 'Owner' });
    const ownerId = owner.doc.clientID;
    const observer = connectClient(server.wsUrl, doc.id, doc.editToken);
    await synced(observer.provider);
    const nameOf = () => observer.provider.awareness.getStates().get(ownerId)?.user?.name;
    await waitFor(() => nameOf() === 'Owner', 'observer sees the owner');
    const before = await metric(server.url, 'tandem_limit_trips_total', 'limit="awareness_ownership"');
    const thief = await rawUpgrade(server.port, `/collab/${doc.id}?token=${doc.editToken}`);
    const steal = JSON.stringify({ user: { name: 'Thief' } });
    thief.send(frame(Opcode.Binary, encodeAwareness(encodeAwarenessEntries([{ clientId: ownerId, clock: 999, state: steal }]))));
    thief.send(frame(Opcode.Binary, encodeAwareness(encodeAwarenessEntries([{ clientId: ownerId, clock: 1000, state: 'null' }]))));
    await waitFor(
      async () => (await metric(server.url, 'tandem_limit_trips_total', 'limit="awareness_ownership"')) === before + 2,
      'both refusals counted',
    );
    expect(nameOf()).toBe('Owner');
    expect(thief.closeCode()).toBeUndefined();
    thief.socket.destroy();
    owner.destroy();
    observer.destroy();
  });

  it('[H4] clients that answer pings stay connected across many intervals', async () => {
    const a = connectClient(server.wsUrl, doc.id, doc.editToken);
    await synced(a.provider);
    let closes = 0;
    a.provider.on('connection-close', () => closes++);
    let pings = 0;
    (a.provider.ws as unknown as WebSocket).on('ping', () => pings++);
    await waitFor(() => pings >= 5, 'five pings answered', 20 * PING_INTERVAL_MS);
    expect(closes).toBe(0);
    expect(a.provider.wsconnected).toBe(true);
    a.destroy();
  });
});
