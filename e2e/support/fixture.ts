import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startApp, type AppServer } from './app-server.js';
import { launchBrowser, newPerson, type Person } from './browser.js';
import { DocPage } from './doc-page.js';

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/**
 * Per test: a fresh server process (own port, own DATA_DIR) and fresh people (own browser contexts).
 * Per file: one Chromium.
 */
export function useWorld() {
  let browser: Browser;
  const world = {
    app: undefined as unknown as AppServer,
    people: [] as Person[],
    /** The file's Chromium, for people set up differently (a phone); add them to `people` to close them. */
    browser: () => browser,
    /** A new person (own context, own storage) on a page. */
    async person(name: string): Promise<DocPage & { person: Person }> {
      const person = await newPerson(browser, name, world.app.url);
      world.people.push(person);
      return Object.assign(new DocPage(person.page), { person });
    },
    /** Alice and Bob, each in their own browser, both on a fresh document's edit link. */
    async aliceAndBob() {
      const doc = await world.createDoc();
      const alice = await world.person('Alice');
      const bob = await world.person('Bob');
      await alice.open(doc.editUrl);
      await bob.open(doc.editUrl);
      return { doc, alice, bob };
    },
    /** A fresh document made through the API, as another app or script would (`body`: e.g. its title). */
    async createDoc(body?: { title?: string }): Promise<{ id: string; editUrl: string; viewUrl: string; commentUrl: string }> {
      const res = await fetch(`${world.app.url}/api/docs`, {
        method: 'POST',
        ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
      return (await res.json()) as { id: string; editUrl: string; viewUrl: string; commentUrl: string };
    },
  };
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    world.app = await startApp();
    world.people = [];
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      await mkdir(ARTIFACTS, { recursive: true });
      for (const p of world.people) {
        await p.page
          .screenshot({ path: `${ARTIFACTS}failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}-${p.name}.png` })
          .catch(() => undefined);
      }
      await writeFile(`${ARTIFACTS}failed-server.log`, world.app.logs()).catch(() => undefined);
    }
    await Promise.all(world.people.map((p) => p.context.close().catch(() => undefined)));
    await world.app.dispose();
  });
  return world;
}

/** Composes screenshots of several pages side by side into one PNG (rendered by the browser itself). */
export async function sideBySide(pages: DocPage[], path: string): Promise<void> {
  const shots = await Promise.all(pages.map((p) => p.page.screenshot()));
  const canvas = pages[0]!.page.context().newPage();
  const page = await canvas;
  const imgs = shots.map((b) => `<img src="data:image/png;base64,${b.toString('base64')}" style="width:50%;display:block">`).join('');
  await page.setViewportSize({ width: 1800, height: 800 });
  await page.setContent(`<body style="margin:0;display:flex;gap:8px;background:#d4d4d8">${imgs}</body>`);
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path, fullPage: true });
  await page.close();
}
