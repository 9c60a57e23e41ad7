import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded build. Flags keep it off the (closed) network. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  // playwright gives every launch a fresh, empty user-data-dir of its own.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One person: their own browser context (own storage, own IndexedDB), one tab. */
export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
}

const COLORS: Record<string, string> = { Alice: '#2563eb', Bob: '#db2777', Carol: '#059669' };

export async function newPerson(browser: Browser, name: string, baseURL: string): Promise<Person> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 900, height: 760 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  // Every person gets a recognisable name before the app reads it.
  // Every person gets a recognisable name before the app reads it (the app's own key; see editor/src/lib/identity.ts).
  await context.addInitScript(
    ({ n, color }) => {
      if (!localStorage.getItem('tandem:identity')) localStorage.setItem('tandem:identity', JSON.stringify({ name: n, color }));
    },
    { n: name, color: COLORS[name] ?? '#7c3aed' },
  );
  return { name, context, page };
}
