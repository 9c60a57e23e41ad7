/**
 * The Redis bus against a real redis-server on a free loopback port: delivery between instances, no echo to
 * the sender, addressing, and an outage — not ready while Redis is gone, every channel resubscribed and
 * repaired when it returns [CL3].
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus, type ClusterBus } from '../../src/cluster/redis-bus.js';
import type { ClusterMessage } from '../../src/cluster/wire.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { waitFor } from '../support/harness.js';
import { startRedis, type TestRedis } from '../support/redis.js';

const DOC = 'doc-cluster-1';

function recorder() {
  const messages: ClusterMessage[] = [];
  let repairs = 0;
  return {
    messages,
    repairs: () => repairs,
    handler: { message: (m: ClusterMessage) => messages.push(m), repair: () => repairs++, instanceGone: () => undefined },
  };
}

describe('Redis bus', () => {
  let redis: TestRedis;
  let a: ClusterBus;
  let b: ClusterBus;
  const metricsA = createMetrics();

  beforeAll(async () => {
    redis = await startRedis();
    a = await RedisBus.connect({ url: redis.url, logger: createLogger('silent'), metrics: metricsA });
    b = await RedisBus.connect({ url: redis.url, logger: createLogger('silent'), metrics: createMetrics() });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.cleanup();
  });

  it('[CL1] delivers a document message to the other instances on its channel, never back to the sender', async () => {
    const atA = recorder();
    const atB = recorder();
    await a.join(DOC, atA.handler);
    await b.join(DOC, atB.handler);
    a.publish(DOC, { kind: 'update', from: a.instanceId, update: new Uint8Array([0, 0]) });
    await waitFor(() => atB.messages.length === 1, 'B receives the update');
    expect(atB.messages[0]).toMatchObject({ kind: 'update', from: a.instanceId });
    // A reply addressed to someone else is not handed to B.
    a.publish(DOC, { kind: 'sync-reply', from: a.instanceId, to: 'nobody', update: new Uint8Array([0, 0]), stateVector: new Uint8Array(0) });
    a.publish(DOC, { kind: 'sync-reply', from: a.instanceId, to: b.instanceId, update: new Uint8Array([0, 0]), stateVector: new Uint8Array(0) });
    await waitFor(() => atB.messages.length === 2, 'B receives the reply addressed to it');
    expect(atB.messages[1]).toMatchObject({ kind: 'sync-reply', to: b.instanceId });
    expect(atA.messages).toEqual([]);
    // Another document's channel hears nothing of it.
    const other = recorder();
    await b.join('doc-cluster-2', other.handler);
    a.publish(DOC, { kind: 'awareness', from: a.instanceId, update: new Uint8Array([0]) });
    await waitFor(() => atB.messages.length === 3, 'B receives the awareness');
    expect(other.messages).toEqual([]);
    b.leave('doc-cluster-2');
  });

  it('[CL3] Redis gone: not ready, publishes fail fast; back: channels resubscribed, every document repaired', async () => {
    const atA = recorder();
    const atB = recorder();
    await a.join('doc-cluster-3', atA.handler);
    await b.join('doc-cluster-3', atB.handler);
    await redis.stop();
    await waitFor(() => !a.ready && !b.ready, 'both buses notice the outage', 10_000);
    const failuresBefore = (await metricsA.clusterPublishFailures.get()).values[0]?.value ?? 0;
    a.publish('doc-cluster-3', { kind: 'update', from: a.instanceId, update: new Uint8Array([0, 0]) });
    expect((await metricsA.clusterPublishFailures.get()).values[0]?.value).toBe(failuresBefore + 1);
    await redis.start();
    await waitFor(() => a.ready && b.ready, 'both buses reconnect', 15_000);
    await waitFor(() => atA.repairs() >= 1 && atB.repairs() >= 1, 'each document is repaired', 10_000);
    a.publish('doc-cluster-3', { kind: 'update', from: a.instanceId, update: new Uint8Array([0, 0]) });
    await waitFor(() => atB.messages.length === 1, 'messages flow again after the outage', 5000);
  });

  it('[CL5] an instance that stops beating is declared gone on every channel; one heard again gets its channels repaired', async () => {
    const quick = { heartbeatMs: 100, deadAfterMs: 400 };
    const metricsWatcher = createMetrics();
    const watcher = await RedisBus.connect({ url: redis.url, logger: createLogger('silent'), metrics: metricsWatcher, ...quick });
    const doomed = await RedisBus.connect({ url: redis.url, logger: createLogger('silent'), metrics: createMetrics(), ...quick });
    const gone: string[] = [];
    let repairs = 0;
    await watcher.join('doc-cluster-5', { message: () => undefined, repair: () => repairs++, instanceGone: (id) => gone.push(id) });
    try {
      await waitFor(async () => (await metricsWatcher.clusterInstances.get()).values[0]?.value === 2, 'the watcher hears both other buses beat', 5000);
      // The doomed bus falls silent as a killed process would: no goodbye, just no more beats.
      await doomed.close();
      await waitFor(() => gone.includes(doomed.instanceId), 'the silent instance is declared gone', 5000);
      expect((await metricsWatcher.clusterInstancesGone.get()).values[0]?.value).toBeGreaterThanOrEqual(1);
      // A message from the "dead" instance (it was only paused) brings it back, and the channel resyncs to learn its peers.
      const before = repairs;
      const { Redis } = await import('ioredis');
      const impostor = new Redis(redis.url);
      await impostor.publish('tandem:instances', doomed.instanceId);
      await waitFor(() => repairs > before, 'the returning instance triggers a repair', 5000);
      impostor.disconnect();
    } finally {
      await watcher.close();
    }
  });
});
