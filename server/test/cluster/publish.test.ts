/**
 * Two instances in this process over one PostgreSQL store (two stores on the same tables, as two processes
 * would have) and a real redis-server: when an instance publishes an update [CL1], and how a publish refused
 * while Redis is up is repaired [CL3]. A plain subscriber on the document's channel sees what goes over Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeClusterMessage, type ClusterMessage } from '../../src/cluster/wire.js';
import { decodeAwarenessUpdate } from '../../src/protocol/messages.js';
import { metric } from '../integration/support.js';
import { pgHarness, type PgHarness } from '../storage/pg/helpers.js';
import { GatedStore } from '../support/gated-store.js';
import { connectClient, createDoc, startTestServer, synced, waitFor, type TestServer } from '../support/harness.js';
import { startRedis, type TestRedis } from '../support/redis.js';

let redis: TestRedis;
let pg: PgHarness;
/** Instance one's store: its appends can be held. */
let gated: GatedStore;
let one: TestServer;
let two: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  pg = await pgHarness();
  gated = new GatedStore(pg.store, { holdAppends: false });
  const sameTables = await pg.openAnother();
  const env = {
    REDIS_URL: redis.url,
    // Required with REDIS_URL; unused, since each instance is handed its store.
    DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
    SECRET: randomBytes(32).toString('hex'),
  };
  one = await startTestServer(env, { store: () => gated });
  two = await startTestServer(env, { store: () => sameTables });
}, 60_000);

afterAll(async () => {
  if (gated) {
    gated.holdAppends = false;
    gated.releaseAppends();
  }
  await one?.dispose();
  await two?.dispose();
  await pg?.cleanup();
  await redis?.cleanup();
});

/** Every message published on the document's channel from now on, decoded. */
async function listen(docId: string): Promise<{ messages: ClusterMessage[]; close(): void }> {
  const subscriber = new Redis(redis.url);
  const messages: ClusterMessage[] = [];
  subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => messages.push(decodeClusterMessage(payload)));
  await subscriber.subscribe(`tandem:doc:${docId}`);
  return { messages, close: () => subscriber.disconnect() };
}

describe('publishing between instances', () => {
  it('[CL1][D1] an update is published only once it is appended to the shared store; the other instance relays it without storing it again', async () => {
    const doc = await createDoc(one.url);
    const channel = await listen(doc.id);
    const a = connectClient(one.wsUrl, doc.id, doc.editToken);
    const b = connectClient(two.wsUrl, doc.id, doc.editToken);
    try {
      await Promise.all([synced(a.provider), synced(b.provider)]);
      const recordsBefore = (await pg.store.load(doc.id))!.log.length; // the document's first paragraph
      gated.holdAppends = true;
      a.text.insert(0, 'durable first');
      await waitFor(() => gated.pendingAppends === 1, 'the append is under way');
      // A cursor move is published at once, behind anything published before it on the same connection.
      a.provider.awareness.setLocalStateField('cursor', 1);
      const isCursor = (m: ClusterMessage) =>
        m.kind === 'awareness' && decodeAwarenessUpdate(m.update).some((e) => e.clientId === a.doc.clientID && e.state.includes('cursor'));
      await waitFor(() => channel.messages.some(isCursor), 'the cursor move is published');
      expect(channel.messages.filter((m) => m.kind === 'update')).toEqual([]);
      expect(b.text.toString()).toBe('');
      gated.holdAppends = false;
      gated.releaseAppends();
      await waitFor(() => b.text.toString() === 'durable first', 'the other instance relays it once it is appended');
      expect(channel.messages.filter((m) => m.kind === 'update')).toHaveLength(1);
      // In the store once: appended by the instance that received it, not again by the one that relayed it.
      expect((await pg.store.load(doc.id))!.log).toHaveLength(recordsBefore + 1);
    } finally {
      gated.holdAppends = false;
      gated.releaseAppends();
      channel.close();
      a.destroy();
      b.destroy();
    }
  });

  it('[CL3] a publish refused while Redis stays up is repaired by a sync round: the edit reaches the other instance', async () => {
    const doc = await createDoc(one.url);
    const a = connectClient(one.wsUrl, doc.id, doc.editToken);
    const b = connectClient(two.wsUrl, doc.id, doc.editToken);
    const admin = new Redis(redis.url);
    try {
      await Promise.all([synced(a.provider), synced(b.provider)]);
      a.text.insert(0, 'before');
      await waitFor(() => b.text.toString() === 'before', 'the first edit crosses');
      const failuresBefore = await metric(one.url, 'tandem_cluster_publish_failures_total');
      // Redis refuses PUBLISH (NOPERM) on connections that stay up: only this publish is lost, no outage.
      await admin.call('ACL', 'SETUSER', 'default', '-publish');
      try {
        a.text.insert(a.text.length, ' refused');
        await waitFor(
          async () => (await metric(one.url, 'tandem_cluster_publish_failures_total')) > failuresBefore,
          'the publish of the edit fails',
        );
        expect(b.text.toString()).toBe('before');
      } finally {
        await admin.call('ACL', 'SETUSER', 'default', '+publish');
      }
      await waitFor(() => b.text.toString() === 'before refused', 'the repair brings the edit across', 10_000);
    } finally {
      admin.disconnect();
      a.destroy();
      b.destroy();
    }
  });
});
