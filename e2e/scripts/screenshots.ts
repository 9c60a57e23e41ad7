/**
 * The README's screenshots, from the real built app: `cd e2e && npm run screenshots` builds the app, starts
 * it (support/app-server.ts, through the suite's fixture), writes realistic content as people would, and
 * saves docs/screenshots/{tables,images,find-replace,phone-toolbar}.png. Not part of `npm test`
 * (vitest.screenshots.config.ts runs only this file); its checks only make sure each picture shows what
 * its caption says.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SETTLE_MS } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';
import { WritingTools, newPhonePerson } from '../support/writing-tools.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const world = useWorld();

/** Takes the picture once nothing is pending: saved, no hover, no caret blinking in a field. */
async function shoot(page: Page, name: string): Promise<void> {
  await expect.poll(() => page.getByTestId('status').getAttribute('data-saved'), { timeout: SETTLE_MS }).toBe('saved');
  await page.mouse.move(2, DESKTOP.height - 2);
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png`, caret: 'hide', animations: 'disabled' });
}

/**
 * Pastes a landscape (a PNG drawn on a canvas: sky, sun, hills, a lake) as a file, as if copied from a
 * photo app; the editor uploads it as it would any pasted image.
 */
async function pasteLandscape(page: Page): Promise<void> {
  await page.getByTestId('editor').evaluate(async (editor) => {
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [960, 540];
    const g = canvas.getContext('2d')!;
    const sky = g.createLinearGradient(0, 0, 0, 330);
    sky.addColorStop(0, '#f59e0b');
    sky.addColorStop(0.55, '#fca5a5');
    sky.addColorStop(1, '#c4b5fd');
    g.fillStyle = sky;
    g.fillRect(0, 0, 960, 540);
    g.fillStyle = '#fff7d6';
    g.beginPath();
    g.arc(640, 250, 70, 0, Math.PI * 2);
    g.fill();
    const hills: [string, number[]][] = [
      ['#6d5a8f', [0, 300, 180, 200, 380, 290, 560, 180, 760, 280, 960, 210]],
      ['#3f4d7a', [0, 360, 220, 280, 460, 350, 700, 270, 960, 340]],
    ];
    for (const [colour, points] of hills) {
      g.fillStyle = colour;
      g.beginPath();
      g.moveTo(0, 540);
      for (let i = 0; i < points.length; i += 2) g.lineTo(points[i]!, points[i + 1]!);
      g.lineTo(960, 540);
      g.fill();
    }
    const lake = g.createLinearGradient(0, 380, 0, 540);
    lake.addColorStop(0, '#93c5fd');
    lake.addColorStop(1, '#1e3a8a');
    g.fillStyle = lake;
    g.fillRect(0, 390, 960, 150);
    g.fillStyle = 'rgb(255 247 214 / 55%)';
    for (let y = 400; y < 530; y += 14) g.fillRect(600 - (y - 390) / 3, y, 80 + (y - 390) / 1.5, 3);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'lake-at-dusk.png', { type: 'image/png' }));
    editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

describe('README screenshots', () => {
  it('tables.png: a formatted table with a widened first column, Bob editing in it', async () => {
    const doc = await world.createDoc({ title: 'Launch plan' });
    const alice = await world.person('Alice');
    const bob = await world.person('Bob');
    await alice.page.setViewportSize(DESKTOP);
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await new WritingTools(alice.page).pastePlainText(
      [
        '## Before the launch',
        '',
        'Who does what before the **March 3** launch; see the [release checklist](https://example.com/checklist).',
        '',
        '| Task | Owner | Status | Due |',
        '| --- | --- | :-: | --- |',
        '| Write the announcement | Alice | **done** | Feb 24 |',
        '| Update `pricing.json` | Bob | in review | Feb 27 |',
        '| Record the demo | Carol | ~~blocked~~ started | Mar 1 |',
        '| Brief support on the new plans | Dan | not started | Mar 2 |',
        '',
        'Anything not done by Friday moves to the week after.',
      ].join('\n'),
    );
    await alice.editor.locator('table').waitFor();
    const first = (await alice.editor.locator('th').first().boundingBox())!;
    await alice.page.mouse.move(first.x + first.width - 2, first.y + first.height / 2);
    await alice.page.mouse.down();
    await alice.page.mouse.move(first.x + first.width + 80, first.y + first.height / 2, { steps: 6 });
    await alice.page.mouse.up();
    await bob.open(doc.editUrl);
    await bob.editor.locator('td', { hasText: 'not started' }).click();
    await alice.editor.locator('td', { hasText: 'in review' }).click();
    await expect.poll(() => alice.caretNames(), { timeout: SETTLE_MS }).toEqual(['Bob']);
    await shoot(alice.page, 'tables');
  });

  it('images.png: an uploaded picture, selected, with its alt text bar and resize handle', async () => {
    const doc = await world.createDoc({ title: 'Weekend at the lake' });
    const alice = await world.person('Alice');
    await alice.page.setViewportSize(DESKTOP);
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await new WritingTools(alice.page).pastePlainText(
      [
        '## Saturday',
        '',
        'We reached the lake just before sunset. The water was still enough to hold the whole sky.',
        '',
      ].join('\n'),
    );
    await pasteLandscape(alice.page);
    const figure = alice.editor.locator('figure.doc-image img');
    await expect.poll(() => figure.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: SETTLE_MS }).toBe(960);
    await alice.page.keyboard.press('Control+End');
    await alice.type('Sunday was rain all day, so: cards, soup and a long book.');
    await alice.editor.locator('figure.doc-image').click();
    await alice.page.getByTestId('image-alt').fill('Sunset over a still lake, purple hills behind');
    await alice.page.getByTestId('image-alt').press('Enter');
    await alice.editor.locator('figure.doc-image').click();
    // Tab reaches the handle (README), whose arrows make the picture a little smaller.
    const handle = alice.page.getByTestId('image-resize');
    await alice.page.keyboard.press('Tab');
    await expect.poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('image-resize');
    for (let i = 0; i < 3; i++) await alice.page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(() => alice.editor.locator('figure.doc-image').getAttribute('data-width')).toBe(String(740 - 150));
    await handle.evaluate((el) => el.blur());
    await shoot(alice.page, 'images');
  });

  it('find-replace.png: the find bar with its toggles, every match lit', async () => {
    const doc = await world.createDoc({ title: 'Style notes' });
    const alice = await world.person('Alice');
    await alice.page.setViewportSize(DESKTOP);
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await new WritingTools(alice.page).pastePlainText(
      [
        '## House style',
        '',
        'We write colour, not color, except in code: `color: red` stays as CSS wants it.',
        '',
        'The colour of a link is the brand blue; visited links take a darker colour.',
        '',
        '- Headings: sentence case, no colour.',
        '- Numbers: one to nine in words, 10 and up in figures.',
        '- Dates: 3 March 2026, never 03/03/26.',
      ].join('\n'),
    );
    await alice.page.keyboard.press('Control+f');
    const input = alice.page.getByTestId('find-input');
    await input.waitFor();
    await alice.page.getByTestId('find-regex').click();
    await alice.page.getByTestId('find-wholeWord').click();
    await input.fill('colou?r');
    await expect.poll(() => alice.page.getByTestId('find-count').textContent()).toMatch(/ of 6$/);
    await input.press('Enter');
    await alice.page.getByTestId('replace-input').fill('colour');
    await shoot(alice.page, 'find-replace');
  });

  it('phone-toolbar.png: the toolbar on a 390 px phone, scrolled part-way, its overflow chevrons showing', async () => {
    const doc = await world.createDoc({ title: 'Shopping' });
    const phone = await newPhonePerson(world.browser(), 'Carol', world.app.url);
    world.people.push(phone);
    await phone.page.goto(doc.editUrl);
    await phone.page.getByTestId('editor').waitFor();
    await phone.page.getByTestId('editor').tap();
    await new WritingTools(phone.page).pastePlainText(
      ['Saturday market:', '', '- [ ] eggs', '- [x] **sourdough** loaf', '- [ ] apples (the sharp ones)', '', 'Pay Dan back for the coffee.'].join('\n'),
    );
    await phone.page.getByTestId('toolbar-scroll-end').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // Part-way along, as after a swipe: a chevron at each end.
    await phone.page.getByTestId('toolbar').evaluate((bar) => bar.scrollTo({ left: 150 }));
    await phone.page.getByTestId('toolbar-scroll-start').waitFor();
    await shoot(phone.page, 'phone-toolbar');
  });
});
