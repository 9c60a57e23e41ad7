/**
 * [WH5] Two instances sharing PostgreSQL and Redis, each with the same receiver: every event leaves once,
 * from the instance where it happened — never again from the instance that only relayed it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, createDoc, synced, waitFor } from '../support/harness.js';
import { addThread, reply } from '../comments/support.js';
import { startCluster, type TestCluster } from '../cluster/support.js';
import { startReceiver, type Receiver } from './receiver.js';

describe('webhooks with several instances [WH5]', () => {
  let cluster: TestCluster;
  let hook: Receiver;
  beforeAll(async () => {
    hook = await startReceiver();
    cluster = await startCluster(2, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: 'cluster-webhook-secret-0123', WEBHOOK_DEBOUNCE_MS: '200' });
  }, 60_000);
  afterAll(async () => {
    await cluster?.cleanup();
    await hook?.close();
  }, 30_000);

  it('[WH5] each event is sent once, by the instance where the change was made', async () => {
    const [one, two] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
    const doc = await createDoc(one.url);
    const alice = connectClient(one.wsUrl, doc.id, doc.editToken);
    const bob = connectClient(two.wsUrl, doc.id, doc.editToken);
    try {
      await Promise.all([synced(alice.provider), synced(bob.provider)]);
      const at = Date.UTC(2026, 0, 1);
      addThread(alice.doc, 'thread-1', { id: 'c1', author: 'Alice', body: 'From instance one', createdAt: at });
      await waitFor(() => bob.doc.getMap('comments').has('thread-1'), 'the thread relayed to the other instance');
      reply(bob.doc, 'thread-1', { id: 'c2', author: 'Bob', body: 'From instance two', createdAt: at });
      const threadOnAlice = () => alice.doc.getMap('comments').get('thread-1') as Y.Map<Y.Array<unknown>>;
      await waitFor(() => threadOnAlice().get('comments')?.length === 2, 'the reply relayed back');
      // Bob's reply left after instance two had long applied Alice's thread: a copy of hers would be here by now.
      await waitFor(() => hook.of('comment.created').length >= 2, 'both comments reported');
      await waitFor(() => hook.of('document.updated').length >= 2, 'both instances report their own change');
      const ids = hook.of('comment.created').map((r) => (r.json.data.comment as { id: string }).id);
      expect(ids.sort()).toEqual(['c1', 'c2']);
      expect(hook.of('document.created')).toHaveLength(1);
    } finally {
      alice.destroy();
      bob.destroy();
    }
  });
});
