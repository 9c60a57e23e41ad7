/**
 * Sign-in in Chromium (server/SPEC.md §ID) against a real OpenID provider (`oidc-provider`, the server
 * tests' one, on loopback): Sign in from the start page, the provider round trip, the name on the start
 * page, creating a document signed in, "My documents" (search, rename), the name stamped for others and not
 * editable, a share link still working for someone signed out, Sign out.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApp, type AppServer } from '../support/app-server.js';
import { launchBrowser, newPerson, type Person } from '../support/browser.js';
import { expectAccessible } from '../support/a11y.js';
import { DocPage, SETTLE_MS } from '../support/doc-page.js';
import { startProvider, type TestProvider } from '../../server/test/identity/provider.js';

let browser: Browser;
let app: AppServer;
let provider: TestProvider;
const people: Person[] = [];

/** Tandem with sign-in (and `env`), and its provider. */
async function startWithSignIn(env: Record<string, string> = {}): Promise<void> {
  const providerPort = await freePort();
  const issuer = `http://127.0.0.1:${providerPort}`;
  // Discovery happens at the first sign-in: the provider can start once Tandem's address is known.
  app = await startApp({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'tandem', OIDC_CLIENT_SECRET: 'tandem-client-secret', ...env });
  provider = await startProvider(`${app.url}/auth/callback`, providerPort);
}

async function stopAll(): Promise<void> {
  await Promise.all(people.splice(0).map((p) => p.context.close().catch(() => undefined)));
  await app?.dispose();
  await provider?.close();
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function person(name: string): Promise<Person> {
  const p = await newPerson(browser, name, app.url);
  people.push(p);
  return p;
}

describe('sign-in in the browser', () => {
  beforeAll(() => startWithSignIn({ CREATE_DOCS: 'signed-in' }));
  afterAll(stopAll);

  it('signs in through the provider, creates and renames a document, is named by the identity, signs out', async () => {
    const alice = await person('Alice');
    const page = alice.page;
    provider.loginAs = 'alice';
    await page.goto('/');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('account-name').waitFor({ timeout: SETTLE_MS });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('account-name').textContent()).toBe('Alice Example');
    await page.getByTestId('my-docs-empty').waitFor();
    await expectAccessible(page);

    // Creating needs sign-in here (CREATE_DOCS=signed-in): the button works for Alice.
    await page.getByTestId('new-doc').click();
    const doc = new DocPage(page);
    await doc.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    await expect.poll(() => doc.status.getAttribute('data-connection'), { timeout: SETTLE_MS }).toBe('connected');
    const editUrl = page.url();
    const id = new URL(editUrl).pathname.split('/').pop()!;

    // Bob, signed out, opens the link Alice shares: it works, and he sees her identity's name.
    const bob = await person('Bob');
    const bobsPage = new DocPage(bob.page);
    await bobsPage.open(editUrl);
    await doc.focusEnd();
    await doc.type('Hello from Alice');
    await expect.poll(() => bobsPage.caretNames(), { timeout: SETTLE_MS }).toContain('Alice Example');

    // My documents: the new document is there; search filters; rename changes its title.
    await page.goto('/');
    const item = page.locator(`[data-testid="my-docs-item"][data-doc-id="${id}"]`);
    await item.waitFor({ timeout: SETTLE_MS });
    await expectAccessible(page);
    await page.getByTestId('my-docs-search').fill('no such title');
    await page.getByTestId('my-docs-empty').waitFor({ timeout: SETTLE_MS });
    await page.getByTestId('my-docs-search').fill('');
    await item.waitFor({ timeout: SETTLE_MS });
    page.once('dialog', (dialog) => void dialog.accept('Travel plans'));
    await item.getByTestId('my-docs-rename').click();
    await expect.poll(() => item.locator('.recent__title').textContent(), { timeout: SETTLE_MS }).toBe('Travel plans');
    await expect.poll(() => bobsPage.titleText(), { timeout: SETTLE_MS }).toBe('Travel plans');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor({ timeout: SETTLE_MS });
    expect(await page.getByTestId('my-docs').count()).toBe(0);
  });
});

describe('links that need sign-in (LINKS_REQUIRE_SIGN_IN=true)', () => {
  beforeAll(() => startWithSignIn({ LINKS_REQUIRE_SIGN_IN: 'true' }));
  afterAll(stopAll);

  it('a signed-out person is asked to sign in, and lands in the document with their name stamped', async () => {
    const alice = await person('Alice');
    provider.loginAs = 'alice';
    await alice.page.goto('/');
    await alice.page.getByTestId('sign-in').click();
    await alice.page.getByTestId('account-name').waitFor({ timeout: SETTLE_MS });
    await alice.page.getByTestId('new-doc').click();
    const alicesDoc = new DocPage(alice.page);
    await alicesDoc.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    const link = alice.page.url();

    const bob = await person('Bob');
    await bob.page.goto(link);
    const refusal = bob.page.getByTestId('error-page');
    await refusal.waitFor({ timeout: SETTLE_MS });
    expect(await refusal.getAttribute('data-problem')).toBe('sign-in-required');
    await expectAccessible(bob.page);
    provider.loginAs = 'bob';
    await bob.page.getByTestId('sign-in').click();
    const bobsDoc = new DocPage(bob.page);
    await bobsDoc.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    await expect.poll(() => bobsDoc.status.getAttribute('data-connection'), { timeout: SETTLE_MS }).toBe('connected');
    await bobsDoc.focusEnd();
    await bobsDoc.type('Bob was here');
    await expect.poll(() => alicesDoc.caretNames(), { timeout: SETTLE_MS }).toContain('Bob Builder');
  });
});
