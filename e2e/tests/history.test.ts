import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { ARTIFACTS, useWorld } from '../support/fixture.js';
import { HistoryPanel } from '../support/history-panel.js';

const world = useWorld();

/** The colours the fixture gives Alice and Bob (support/browser.ts). */
const ALICE = '#2563eb';
const BOB = '#db2777';
/** Screenshots for people to look at, besides the artifacts folder. */
const SHOTS = process.env.HISTORY_SHOTS_DIR ?? '/tmp';

describe('document history', () => {
  it('Bob deletes everything; Alice finds his deletion in the history, in his colour, and restores the version for both', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Alice wrote this paragraph.');
    await converged([alice, bob], (t) => t === 'Alice wrote this paragraph.');
    await bob.focusEnd();
    await bob.type(' Bob added a sentence.');
    const written = await converged([alice, bob], (t) => t.endsWith('Bob added a sentence.'));
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);

    // Alice names the version (from the panel, opened with the keyboard shortcut), then closes the panel.
    const aliceHistory = new HistoryPanel(alice.page);
    await aliceHistory.open({ shortcut: true });
    await aliceHistory.nameVersion('Both sentences');
    await alice.page.getByTestId('history-close').click();
    await aliceHistory.panel.waitFor({ state: 'detached' });

    // Bob selects everything and deletes it.
    await bob.editor.click();
    await bob.page.keyboard.press('Control+a');
    await bob.page.keyboard.press('Delete');
    await converged([alice, bob], (t) => t === '');
    await bob.waitSaved();

    // Alice previews the named version against now: the text Bob deleted, struck through in Bob's colour.
    await aliceHistory.open();
    const named = aliceHistory.versions.filter({ hasText: 'Both sentences' });
    const namedId = (await named.getAttribute('data-version-id')) ?? '';
    await named.click();
    await aliceHistory.previewShows({ to: namedId });
    // By default it is compared with the version before (none: everything in it is an insertion, by its authors).
    const inserted = await aliceHistory.changes('insert');
    expect(inserted.map((c) => c.author)).toEqual(expect.arrayContaining(['Alice', 'Bob']));
    expect(inserted.find((c) => c.author === 'Alice')?.color).toBe(ALICE);
    expect(await alice.editor.isVisible()).toBe(false); // the preview stands in for the live text

    await alice.page.getByTestId('compare-now').check();
    await aliceHistory.previewShows({ to: 'now' });
    const deleted = await aliceHistory.changes('delete');
    expect(deleted.map((c) => c.text).join('')).toBe(written);
    for (const change of deleted) {
      expect(change.author).toBe('Bob');
      expect(change.color).toBe(BOB);
      expect(change.title).toMatch(/^Bob deleted this/); // hovering says who (and when)
    }
    await mkdir(ARTIFACTS, { recursive: true });
    await alice.page.screenshot({ path: `${SHOTS}/history-preview.png` });
    await alice.page.screenshot({ path: `${ARTIFACTS}history-preview.png` });

    // Restore asks first, and says it can be undone.
    await alice.page.getByTestId('restore-version').click();
    const dialog = alice.page.getByTestId('restore-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/undo/i);
    await alice.page.getByTestId('confirm-restore').click();
    await aliceHistory.preview.waitFor({ state: 'detached', timeout: SETTLE_MS });

    // Both windows have the text again, live, and the state before the restore is kept as a version.
    expect(await converged([alice, bob], (t) => t === written)).toBe(written);
    await expect
      .poll(() => aliceHistory.versions.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))), { timeout: SETTLE_MS })
      .toContain('restore');
  });

  it('the timeslider plays through the changes, and works from the keyboard', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('One');
    await converged([alice, bob], (t) => t === 'One');
    await bob.focusEnd();
    await bob.type(' two');
    await converged([alice, bob], (t) => t === 'One two');
    await alice.focusEnd();
    await alice.type(' three');
    await converged([alice, bob], (t) => t === 'One two three');
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);

    const history = new HistoryPanel(alice.page);
    await history.open();
    const range = history.range;
    await range.waitFor();
    expect(await range.getAttribute('type')).toBe('range');
    const max = Number(await range.getAttribute('max'));
    expect(max).toBeGreaterThanOrEqual(3);
    // The range has a visible label, and says where it stands in words.
    const label = await range.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '');
    expect(label).toBe('Timeline');

    // Play: the preview walks from the first change to the last, its text changing on the way.
    await alice.page.getByRole('button', { name: 'Play the changes' }).click();
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      if ((await history.preview.count()) > 0) seen.add(await history.previewText().catch(() => ''));
      const playing = await alice.page.getByTestId('timeslider').getAttribute('data-playing');
      if (playing === 'false' && seen.size > 1) break;
      if (Date.now() > deadline) throw new Error(`the timeslider did not finish playing; saw ${JSON.stringify([...seen])}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(seen).toContain('O');
    expect(Number(await range.inputValue())).toBe(max);
    await history.previewShows();
    expect(await history.previewText()).toBe('One two three');
    // Where it stopped, the latest change is highlighted, with its author.
    expect((await history.changes('insert')).map((c) => c.author)).toEqual(['Alice']);
    expect(await alice.page.getByTestId('timeslider-now').innerText()).toContain('Alice');

    // Keyboard: Home goes to the first change, an arrow key to the next.
    await range.focus();
    await alice.page.keyboard.press('Home');
    await expect.poll(() => range.inputValue()).toBe('0');
    await history.previewShows();
    expect(await history.previewText()).toBe('O');
    await alice.page.keyboard.press('ArrowRight');
    await expect.poll(() => history.previewText(), { timeout: SETTLE_MS }).toBe('On');

    // Escape leaves the preview for the live document.
    await alice.page.keyboard.press('Escape');
    await history.preview.waitFor({ state: 'detached' });
    expect(await alice.editor.isVisible()).toBe(true);
  });

  it('"Show authors" tints Alice\'s and Bob\'s text in their own colours, live', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Alice starts.');
    await converged([alice, bob], (t) => t === 'Alice starts.');
    await bob.focusEnd();
    await bob.type(' Bob follows.');
    await converged([alice, bob], (t) => t === 'Alice starts. Bob follows.');
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);

    await alice.page.getByTestId('more-menu').click();
    const toggle = alice.page.getByTestId('toggle-authors');
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    // Tinted stretches in document order, neighbours by the same author joined.
    const tints = () =>
      alice.editor.locator('.author-tint').evaluateAll((els) => {
        const out: { text: string; author: string; color: string; title: string }[] = [];
        for (const el of els as HTMLElement[]) {
          const last = out[out.length - 1];
          if (last && last.author === el.dataset.author) last.text += el.textContent ?? '';
          else
            out.push({
              text: el.textContent ?? '',
              author: el.dataset.author ?? '',
              color: el.style.getPropertyValue('--author-color'),
              title: el.getAttribute('title') ?? '',
            });
        }
        return out;
      });
    await expect.poll(async () => (await tints()).map((t) => [t.text, t.author]), { timeout: SETTLE_MS }).toEqual([
      ['Alice starts.', 'Alice'],
      [' Bob follows.', 'Bob'],
    ]);
    const [aliceTint, bobTint] = await tints();
    expect(aliceTint?.color).toBe(ALICE);
    expect(bobTint?.color).toBe(BOB);
    expect(bobTint?.title).toMatch(/^Bob · /);

    // Bob keeps writing: once his edit settles, Alice's window tints it too.
    await bob.type(' More from Bob.');
    await converged([alice, bob], (t) => t.endsWith('More from Bob.'));
    await expect
      .poll(async () => (await tints()).filter((t) => t.author === 'Bob').map((t) => t.text).join(''), { timeout: SETTLE_MS })
      .toBe(' Bob follows. More from Bob.');
    await alice.page.screenshot({ path: `${SHOTS}/history-show-authors.png` });

    // Off again: no tint.
    await alice.page.getByTestId('more-menu').click();
    await alice.page.getByTestId('toggle-authors').click();
    await expect.poll(async () => (await tints()).length).toBe(0);
  });

  it('a view link browses and previews history but cannot restore, name or revert; the panel is a sheet on a phone and passes axe', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Read me.');
    await alice.waitSaved();
    const aliceHistory = new HistoryPanel(alice.page);
    await aliceHistory.open();
    await aliceHistory.nameVersion('Published');
    // The editor's own panel passes axe too.
    await expectAccessible(alice.page, ['[data-testid="history-panel"]', '[data-testid="history-preview"]']);

    const carol = await world.person('Carol');
    await carol.page.setViewportSize({ width: 390, height: 844 });
    await carol.open(doc.viewUrl);
    const history = new HistoryPanel(carol.page);
    await history.open({ shortcut: true });
    // Focus moved into the panel, and the panel spans the phone's width.
    expect(await carol.page.evaluate(() => document.activeElement?.closest('[data-testid="history-panel"]') !== null)).toBe(true);
    const width = await carol.page.evaluate(() => document.documentElement.clientWidth);
    expect(width).toBeGreaterThan(360);
    expect((await history.panel.boundingBox())?.width).toBe(width);

    await history.versions.first().click();
    await history.previewShows();
    expect(await history.previewText()).toBe('Read me.');
    expect(await carol.page.getByTestId('restore-version').count()).toBe(0);
    expect(await carol.page.getByTestId('name-version').count()).toBe(0);
    expect(await carol.page.getByTestId('revert-start').count()).toBe(0);
    expect(await history.range.count()).toBe(1);
    await expectAccessible(carol.page, ['[data-testid="history-panel"]', '[data-testid="history-preview"]']);
    await carol.page.screenshot({ path: `${SHOTS}/history-phone-view-link.png` });

    // The close button leaves the preview and the panel: live text again.
    await carol.page.getByTestId('history-close').click();
    await history.panel.waitFor({ state: 'detached' });
    expect(await carol.editor.isVisible()).toBe(true);
    expect(await carol.text()).toBe('Read me.');
  });

  it('Alice reverts only Bob\'s changes since a time; her own later edit stays', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Keep this.');
    await converged([alice, bob], (t) => t === 'Keep this.');
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);
    await bob.focusEnd();
    await bob.type(' Bob scribbles.');
    await converged([alice, bob], (t) => t === 'Keep this. Bob scribbles.');
    await alice.focusEnd();
    await alice.type(' Alice ends.');
    await converged([alice, bob], (t) => t === 'Keep this. Bob scribbles. Alice ends.');
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);

    const history = new HistoryPanel(alice.page);
    await history.open();
    // Bob is preselected (not Alice herself); the time defaults to the start of the history.
    await expect.poll(() => alice.page.getByTestId('revert-author').inputValue(), { timeout: SETTLE_MS }).toBe('Bob');
    await alice.page.getByTestId('revert-start').click();
    const dialog = alice.page.getByTestId('revert-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/undo/i);
    await alice.page.getByTestId('confirm-revert').click();
    await alice.page.getByTestId('revert-notice').waitFor({ timeout: SETTLE_MS });
    expect(await converged([alice, bob], (t) => !t.includes('Bob'))).toBe('Keep this. Alice ends.');
  });
});
