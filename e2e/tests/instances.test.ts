/**
 * Two people on two different Tandem instances (PostgreSQL + Redis, as docker-compose.yml runs them): each
 * browser talks to its own instance, and they still write together and see each other's caret.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../server/test/support/postgres.js';
import { startRedis, type TestRedis } from '../../server/test/support/redis.js';
import { startApp, type AppServer } from '../support/app-server.js';
import { launchBrowser, newPerson, type Person } from '../support/browser.js';
import { DocPage, SETTLE_MS, converged } from '../support/doc-page.js';
import { ARTIFACTS, sideBySide } from '../support/fixture.js';

describe('two people on two instances', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let browser: Browser;
  const instances: AppServer[] = [];
  const people: Person[] = [];
  beforeAll(async () => {
    [postgres, redis, browser] = await Promise.all([startPostgres(), startRedis(), launchBrowser()]);
    const env = { DATABASE_URL: postgres.url, REDIS_URL: redis.url, SECRET: randomBytes(32).toString('hex') };
    instances.push(await startApp(env), await startApp(env));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(people.map((p) => p.context.close().catch(() => undefined)));
    await browser?.close();
    await Promise.all(instances.map((i) => i.dispose()));
    await redis?.cleanup();
    await postgres?.destroy();
  });

  it('Alice on instance A and Bob on instance B co-edit and see each other', async () => {
    const [a, b] = instances as [AppServer, AppServer];
    const created = await fetch(`${a.url}/api/docs`, { method: 'POST' });
    const doc = (await created.json()) as { id: string; editUrl: string };
    const person = async (name: string, app: AppServer) => {
      const p = await newPerson(browser, name, app.url);
      people.push(p);
      return Object.assign(new DocPage(p.page), { person: p });
    };
    const alice = await person('Alice', a);
    const bob = await person('Bob', b);
    // The same share link, opened on each person's own instance.
    const path = new URL(doc.editUrl);
    await alice.open(`${a.url}${path.pathname}${path.hash}`);
    await bob.open(`${b.url}${path.pathname}${path.hash}`);
    await alice.focusEnd();
    await alice.type('Written on A. ');
    await converged([alice, bob], (t) => t.includes('Written on A.'));
    await bob.focusEnd();
    await bob.type('Written on B.');
    const text = await converged([alice, bob], (t) => t.includes('Written on B.'));
    expect(text).toBe('Written on A. Written on B.');
    await expect.poll(() => alice.caretNames(), { timeout: SETTLE_MS }).toContain('Bob');
    await expect.poll(() => bob.caretNames(), { timeout: SETTLE_MS }).toContain('Alice');
    await expect.poll(() => bob.presenceCount(), { timeout: SETTLE_MS }).toBe(2);
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);
    await sideBySide([alice, bob], `${ARTIFACTS}two-instances.png`);
  });
});
