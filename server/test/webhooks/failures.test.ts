import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { connectClient, createDoc, startTestServer, synced, waitFor } from '../support/harness.js';
import { metric } from '../integration/support.js';
import type { Receiver } from './receiver.js';
import { cleanUpAfterEach, onCleanup, receiver, SECRET, serverFor as serverWith } from './support.js';

cleanUpAfterEach();

/** Failures are watched with a shorter debounce. */
const serverFor = (receivers: Receiver[], env: Record<string, string> = {}) => serverWith(receivers, env, 100);

describe('webhook delivery failures [WH4]', () => {
  it('[WH4] a receiver answering 500 gets retries with backoff, then the delivery counts as failed', async () => {
    const hook = await receiver({ status: 500 });
    // Backoff ~1 s, ~2 s, ~4 s: within 4 s there are three attempts.
    const server = await serverFor([hook], { WEBHOOK_RETRY_FOR_MS: '4000' });
    await createDoc(server.url);
    await waitFor(async () => (await metric(server.url, 'tandem_webhook_deliveries_total', 'outcome="failed"')) === 1, 'the failed count', 10_000);
    const attempts = hook.of('document.created');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.json.id)).size).toBe(1);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(700);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThan(attempts[1]!.at - attempts[0]!.at);
    expect(await metric(server.url, 'tandem_webhook_attempt_failures_total', 'reason="status"')).toBe(3);
    expect(await metric(server.url, 'tandem_webhook_deliveries_total', 'outcome="delivered"')).toBe(0);
    expect(await metric(server.url, 'tandem_webhook_queue_depth')).toBe(0);
  });

  it('[WH4] a receiver that never answers does not slow the relay; the attempt times out and retries', async () => {
    const hanging = await receiver('hang');
    const server = await serverFor([hanging], { WEBHOOK_TIMEOUT_MS: '3000' });
    const doc = await createDoc(server.url);
    const alice = connectClient(server.wsUrl, doc.id, doc.editToken);
    const bob = connectClient(server.wsUrl, doc.id, doc.editToken);
    onCleanup(() => alice.destroy(), () => bob.destroy());
    await Promise.all([synced(alice.provider), synced(bob.provider)]);
    await waitFor(() => hanging.received.length >= 1, 'the receiver to hold a delivery open');
    // Relay round trips while the receiver holds deliveries open.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      alice.text.insert(alice.text.length, String(i % 10));
      await waitFor(() => bob.text.length === alice.text.length, `edit ${i} relayed`, 2000);
      latencies.push(performance.now() - started);
    }
    latencies.sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    // A blocked relay would wait for the 3 s timeout; relayed edits take milliseconds (FSYNC_INTERVAL_MS 50).
    expect(median).toBeLessThan(500);
    expect(await metric(server.url, 'tandem_webhook_queue_depth')).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await metric(server.url, 'tandem_webhook_attempt_failures_total', 'reason="timeout"')) >= 1, 'a timed-out attempt', 8000);
  });

  it('[WH4] a full queue drops the oldest delivery and counts it', async () => {
    const hanging = await receiver('hang');
    const server = await serverFor([hanging], { WEBHOOK_QUEUE_SIZE: '2', WEBHOOK_TIMEOUT_MS: '60000' });
    // Four attempts in flight, two waiting; four more creations push out four.
    for (let i = 0; i < 10; i++) await createDoc(server.url);
    await waitFor(async () => (await metric(server.url, 'tandem_webhook_deliveries_total', 'outcome="dropped"')) === 4, 'four dropped');
    expect(await metric(server.url, 'tandem_webhook_queue_depth')).toBe(6);
    expect(hanging.received).toHaveLength(4);
    // The server still creates documents at once.
    const started = performance.now();
    await createDoc(server.url);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('webhook configuration [WH1]', () => {
  it.each([
    [{ WEBHOOK_URL: 'not a url', WEBHOOK_SECRET: SECRET }, /^WEBHOOK_URL: /],
    [{ WEBHOOK_URL: 'ftp://example.org/hook', WEBHOOK_SECRET: SECRET }, /^WEBHOOK_URL: /],
    [{ WEBHOOK_URL: 'https://example.org/a,,javascript:alert(1)', WEBHOOK_SECRET: SECRET }, /^WEBHOOK_URL: /],
    [{ WEBHOOK_URL: 'https://example.org/hook' }, /^WEBHOOK_SECRET: required with WEBHOOK_URL/],
    [{ WEBHOOK_URL: 'https://example.org/hook', WEBHOOK_SECRET: 'short' }, /^WEBHOOK_SECRET: /],
    [{ WEBHOOK_TIMEOUT_MS: '5' }, /^WEBHOOK_TIMEOUT_MS: /],
  ])('a bad value stops start-up with one line naming the variable: %o', async (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
    await expect(startTestServer(env)).rejects.toThrow(pattern);
  });

  it('[WH1] takes several receivers, and the secret from WEBHOOK_SECRET_FILE', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'tandem-webhook-'));
    try {
      await writeFile(join(dir, 'secret'), `${SECRET}\n`);
      const config = loadConfig({ WEBHOOK_URL: ' https://a.example/h , http://b.example:8080/h ', WEBHOOK_SECRET_FILE: join(dir, 'secret') });
      expect(config.WEBHOOK_URL).toEqual(['https://a.example/h', 'http://b.example:8080/h']);
      expect(config.WEBHOOK_SECRET).toBe(SECRET);
      expect(loadConfig({}).WEBHOOK_URL).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
