/** What the webhook tests share: a server posting to real receivers, cleaned up after each test. */
import { afterEach } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { startReceiver, type Receiver } from './receiver.js';

export const SECRET = 'webhook-test-secret-0123456789';

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs `fns` after the current test, last registered first. */
export function onCleanup(...fns: (() => Promise<void> | void)[]): void {
  cleanups.push(...fns);
}

/** Registers the clean-up hook in the calling test file (every file that uses `serverFor` or `receiver`). */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
}

/** A real server whose webhooks go to `receivers`, with a short debounce. */
export async function serverFor(receivers: Receiver[], env: Record<string, string> = {}, debounceMs = 300): Promise<TestServer> {
  const server = await startTestServer({
    WEBHOOK_URL: receivers.map((r) => r.url).join(','),
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_DEBOUNCE_MS: String(debounceMs),
    ...env,
  });
  cleanups.push(() => server.dispose());
  return server;
}

/** A real receiver on loopback, closed after the test. */
export async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}
