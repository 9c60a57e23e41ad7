import { describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { expectAccessible } from '../support/a11y.js';
import { SETTLE_MS } from '../support/doc-page.js';
import { ARTIFACTS, useWorld } from '../support/fixture.js';
import { WritingTools, newPhonePerson, waitForExport } from '../support/writing-tools.js';

const world = useWorld();

describe('the writer’s tools', () => {
  it('Alice highlights, colours and centres text and Bob sees it; HTML export keeps it, Markdown degrades', async () => {
    const { doc, alice, bob } = await world.aliceAndBob();
    await alice.page.setViewportSize({ width: 1280, height: 760 });
    const kb = alice.page.keyboard;
    await alice.focusEnd();
    await alice.type('Water is H2O and E = mc2 here');
    // Select "here" and highlight it from the toolbar.
    for (let i = 0; i < 4; i++) await kb.press('Shift+ArrowLeft');
    await alice.page.getByTestId('tb-highlight').click();
    // "mc2": the 2 becomes superscript, the colour menu makes "mc" blue.
    await kb.press('ArrowLeft');
    await kb.press('ArrowLeft');
    await kb.press('Shift+ArrowLeft');
    await alice.page.getByTestId('tb-superscript').click();
    await kb.press('ArrowLeft');
    await kb.press('Shift+ArrowLeft');
    await kb.press('Shift+ArrowLeft');
    await alice.page.getByTestId('tb-color').click();
    await alice.page.getByTestId('color-menu').waitFor();
    await alice.page.getByTestId('text-color-blue').click();
    await alice.page.getByTestId('highlight-color-green').click();
    expect(await alice.page.getByTestId('text-color-blue').getAttribute('aria-pressed')).toBe('true');
    await kb.press('Escape');
    await alice.page.getByTestId('color-menu').waitFor({ state: 'detached' });
    await alice.page.getByTestId('tb-align-center').click();
    expect(await alice.page.getByTestId('tb-align-center').getAttribute('aria-pressed')).toBe('true');

    const paragraph = bob.editor.locator('p').first();
    await expect.poll(() => paragraph.getAttribute('style'), { timeout: SETTLE_MS }).toContain('text-align: center');
    await expect.poll(() => bob.editor.locator('mark:not([data-color])').textContent(), { timeout: SETTLE_MS }).toBe('here');
    await expect.poll(() => bob.editor.locator('sup').textContent(), { timeout: SETTLE_MS }).toBe('2');
    const blue = bob.editor.locator('span[style*="rgb(37, 99, 235)"]');
    await expect.poll(() => blue.textContent(), { timeout: SETTLE_MS }).toBe('mc');
    expect(await bob.editor.locator('mark[data-color="#bbf7d0"]').textContent()).toBe('mc');

    const html = await waitForExport(world.app.url, doc, 'html', (body) => body.includes('<sup>2</sup>') && body.includes('text-align: center'));
    expect(html).toContain('<mark>here</mark>');
    const md = await waitForExport(world.app.url, doc, 'markdown', (body) => body.includes('==here=='));
    expect(md).toContain('E = ==mc==<sup>2</sup>');

    // For the README and for a look: the toolbar on a desktop and on a 390 px phone.
    await mkdir(ARTIFACTS, { recursive: true });
    await alice.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await alice.page.screenshot({ path: `${ARTIFACTS}writer-toolbar-desktop.png`, clip: { x: 0, y: 0, width: 1280, height: 260 } });
    const phone = await newPhonePerson(world.browser(), 'Carol', world.app.url);
    world.people.push(phone);
    await phone.page.goto(doc.editUrl);
    await phone.page.getByTestId('editor').waitFor();
    await phone.page.getByTestId('toolbar-scroll-end').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.page.screenshot({ path: `${ARTIFACTS}writer-toolbar-phone.png` });
    // The editor's controls on a phone: the Share button keeps its name when only its icon shows. (The text
    // is left out: its blue-on-green "mc" is the author's choice of colours, 4.26:1.)
    await expectAccessible(phone.page, ['header', '[data-testid="toolbar"]', '[data-testid="doc-status"]']);
    // The start page on a phone, this document in its recent list.
    await phone.page.goto(`${world.app.url}/`);
    await phone.page.getByTestId('recent-item').waitFor();
    await expectAccessible(phone.page);
  });

  it('find and replace: count, match case, an invalid regex, replace all in one undo step that Bob sees', async () => {
    const { alice, bob } = await world.aliceAndBob();
    const kb = alice.page.keyboard;
    await alice.focusEnd();
    await alice.type('The cat sat. A Cat ran. concatenate cat');
    await kb.press('Control+f');
    const input = alice.page.getByTestId('find-input');
    await expect.poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('find-input');
    await input.fill('cat');
    const count = alice.page.getByTestId('find-count');
    await expect.poll(() => count.textContent()).toMatch(/^\d of 4$/);
    expect(await alice.editor.locator('.find-match').count()).toBe(4);
    await alice.page.getByTestId('find-wholeWord').click();
    await expect.poll(() => count.textContent()).toMatch(/ of 3$/);
    await alice.page.getByTestId('find-matchCase').click();
    await expect.poll(() => count.textContent()).toMatch(/ of 2$/);
    await input.press('Enter');
    await expect.poll(() => count.textContent()).toMatch(/^\d of 2$/);

    // A broken pattern says so, beside the field, and finds nothing.
    await alice.page.getByTestId('find-regex').click();
    await input.fill('ca(t');
    await alice.page.getByTestId('find-error').waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await alice.editor.locator('.find-match').count()).toBe(0);
    await input.fill('c(a)t');
    await alice.page.getByTestId('find-error').waitFor({ state: 'detached' });
    await alice.page.getByTestId('replace-input').fill('d$1wg');
    await alice.page.getByTestId('replace-all').click();
    await expect.poll(() => count.textContent()).toBe('Replaced 2');
    const replaced = 'The dawg sat. A Cat ran. concatenate dawg';
    await expect.poll(() => bob.text(), { timeout: SETTLE_MS }).toBe(replaced);

    // The find bar passes axe, then Escape closes it and puts the cursor back in the text.
    await expectAccessible(alice.page, ['[data-testid="find-bar"]', '[data-testid="doc-status"]']);
    await kb.press('Escape');
    await alice.page.getByTestId('find-bar').waitFor({ state: 'detached' });
    expect(await alice.editor.locator('.find-match').count()).toBe(0);
    await expect.poll(() => alice.editor.evaluate((el) => el.contains(document.activeElement) || el === document.activeElement)).toBe(true);
    // One undo brings back both.
    await kb.press('Control+z');
    await expect.poll(() => bob.text(), { timeout: SETTLE_MS }).toBe('The cat sat. A Cat ran. concatenate cat');

    // A view link finds but cannot replace.
    const { view } = await alice.shareLinks();
    await alice.closeDialog();
    const viewer = await world.person('Vera');
    await viewer.open(view);
    await viewer.editor.click();
    await viewer.page.keyboard.press('Control+f');
    await viewer.page.getByTestId('find-input').fill('sat');
    await expect.poll(() => viewer.page.getByTestId('find-count').textContent()).toBe('1 of 1');
    expect(await viewer.page.getByTestId('replace-input').count()).toBe(0);
  });

  it('the "/" menu turns a line into a heading; the outline lists headings live and jumps to them; counts follow', async () => {
    const { alice, bob } = await world.aliceAndBob();
    const kb = alice.page.keyboard;
    await alice.focusEnd();
    await alice.type('Intro words here.');
    await kb.press('Enter');
    await alice.type('/');
    const menu = alice.page.getByTestId('slash-menu');
    await menu.waitFor();
    expect(await menu.getByRole('option').count()).toBeGreaterThanOrEqual(12);
    await alice.type('head');
    // Down to Heading 2 and choose it: the "/head" text goes, the line is a heading.
    await kb.press('ArrowDown');
    expect(await menu.getByRole('option', { selected: true }).textContent()).toBe('Heading 2');
    await kb.press('Enter');
    await menu.waitFor({ state: 'detached' });
    await alice.type('Method');
    await kb.press('Enter');
    // Enough text that the next heading is well below the fold.
    await new WritingTools(alice.page).pastePlainText(Array.from({ length: 40 }, (_, i) => `Line ${i} of the method section.`).join('\n\n'));
    await kb.press('Enter');
    await alice.type('/h3');
    await kb.press('Enter');
    await alice.type('Results');
    await expect.poll(() => bob.editor.locator('h2').textContent(), { timeout: SETTLE_MS }).toBe('Method');
    expect(await bob.text()).not.toContain('/head');
    // Escape leaves a typed "/" alone.
    await kb.press('Enter');
    await alice.type('a /b');
    await menu.waitFor();
    await kb.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await expect.poll(() => bob.text(), { timeout: SETTLE_MS }).toContain('a /b');

    // Counts of the whole document, then of a selection.
    const stats = alice.page.getByTestId('doc-stats');
    await expect.poll(() => stats.textContent()).toMatch(/^[\d,]+ words, [\d,]+ characters$/);
    await kb.press('Shift+Home');
    await expect.poll(() => stats.textContent()).toMatch(/^2 words, 4 characters selected/);

    // Bob opens the outline: it lists both headings, indented by level, and jumps to one.
    await bob.page.getByTestId('outline-toggle').click();
    const items = bob.page.getByTestId('outline-item');
    await expect.poll(() => items.allTextContents(), { timeout: SETTLE_MS }).toEqual(['Method', 'Results']);
    await bob.page.evaluate(() => window.scrollTo(0, 0));
    await items.nth(1).click();
    await expect
      .poll(() => bob.page.evaluate(() => window.getSelection()?.anchorNode?.parentElement?.closest('h3')?.textContent ?? null))
      .toBe('Results');
    // Scrolled into view (smoothly: wait for it to arrive).
    await expect.poll(async () => {
      const box = (await bob.editor.locator('h3').boundingBox())!;
      return box.y >= 0 && box.y + box.height <= 760;
    }).toBe(true);
    // Live: Alice adds a heading, Bob's outline grows.
    await kb.press('End');
    await kb.press('Enter');
    await alice.type('# Appendix');
    await expect.poll(() => items.allTextContents(), { timeout: SETTLE_MS }).toEqual(['Method', 'Results', 'Appendix']);
    await expectAccessible(bob.page, ['[data-testid="outline-panel"]', '[data-testid="doc-status"]']);
  });

  it('? opens the keyboard shortcuts; axe finds nothing serious, dark or light, in the dialogs or on the 404 page', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Dark ');
    await alice.page.keyboard.press('Control+Shift+h');
    await alice.type('marked');
    // In the text "?" is a character …
    await alice.type(' ok?');
    expect(await alice.page.getByTestId('shortcut-help').count()).toBe(0);
    expect(await alice.text()).toContain('ok?');
    // … elsewhere it opens the help, which lists the shortcuts from the same list the bindings use.
    await alice.page.getByTestId('outline-toggle').click();
    await alice.page.keyboard.press('Shift+Slash');
    const help = alice.page.getByTestId('shortcut-help');
    await help.waitFor();
    expect(await help.textContent()).toContain('Find and replace');
    expect(await help.textContent()).toContain('Ctrl+F');
    await expectAccessible(alice.page, ['[data-testid="shortcut-help"]'], { restore: 'dark' });
    await alice.page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // Ctrl+/ from inside the text.
    await alice.editor.click();
    await alice.page.keyboard.press('Control+Slash');
    await help.waitFor();
    await alice.page.keyboard.press('Escape');

    await alice.page.keyboard.press('Control+f');
    await alice.page.getByTestId('find-input').fill('ark');
    await alice.page.getByTestId('tb-color').click();
    await alice.page.getByTestId('color-menu').waitFor();
    await expectAccessible(alice.page, ['body'], { restore: 'dark' });
    await alice.page.keyboard.press('Escape');

    await alice.page.goto(`${world.app.url}/no/such/page`);
    await alice.page.getByTestId('error-page').waitFor();
    await expectAccessible(alice.page);
  });
});
