import { describe, expect, it } from 'vitest';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { ARTIFACTS, sideBySide, useWorld } from '../support/fixture.js';

const world = useWorld();

describe('two people co-editing', () => {
  it('1. Alice creates a document, shares the edit link, both type at once in one paragraph and converge', async () => {
    const alice = await world.person('Alice');
    await alice.page.goto('/');
    await alice.page.getByTestId('new-doc').click();
    await alice.editor.waitFor({ timeout: SETTLE_MS });
    await expect.poll(() => alice.status.getAttribute('data-connection'), { timeout: SETTLE_MS }).toBe('connected');

    const links = await alice.shareLinks();
    await alice.page.getByTestId('copy-edit-link').click();
    const copied = await alice.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(links.edit);
    expect(copied).toMatch(new RegExp(`^${world.app.url}/d/[A-Za-z0-9_-]+#token=`));
    await alice.closeDialog();

    const bob = await world.person('Bob');
    await bob.open(copied);
    await alice.focusEnd();
    await alice.type('in one paragraph');
    await converged([alice, bob], (t) => t === 'in one paragraph');
    // Both type at the same time into the same (only) paragraph: Alice at its start, Bob at its end.
    await alice.page.keyboard.press('Home');
    await bob.focusEnd();
    await Promise.all([alice.type('Alice was here, '), bob.type(', and Bob too!')]);
    const text = await converged([alice, bob], (t) => t.includes('Alice was here,') && t.includes('and Bob too!'));
    expect(text).toBe('Alice was here, in one paragraph, and Bob too!');
    await alice.waitSaved();
    await bob.waitSaved();
  });

  it("2. Bob sees Alice's caret with her name; it and her presence go when she closes the tab", async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Hello from Alice');
    await expect.poll(() => bob.caretNames(), { timeout: SETTLE_MS }).toContain('Alice');
    await expect.poll(() => bob.presenceCount(), { timeout: SETTLE_MS }).toBe(2);
    await bob.focusEnd();
    await bob.type(' and Bob');
    await converged([alice, bob], (t) => t.includes('and Bob'));

    // 9. The picture of two people editing side by side, on every run.
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);
    await sideBySide([alice, bob], `${ARTIFACTS}two-people-editing.png`);

    await alice.page.close();
    await expect.poll(() => bob.caretNames(), { timeout: SETTLE_MS }).not.toContain('Alice');
    await expect.poll(() => bob.presenceCount(), { timeout: SETTLE_MS }).toBe(1);
  });

  it('8. Undo in Bob\'s window undoes only Bob\'s typing', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Alice line');
    await converged([alice, bob], (t) => t.includes('Alice line'));
    await bob.focusEnd();
    await bob.page.keyboard.press('Enter');
    await bob.type('Bob line');
    await converged([alice, bob], (t) => t.includes('Bob line'));
    // Alice goes back to the end of her own line.
    await alice.editor.locator('p', { hasText: 'Alice line' }).click();
    await alice.page.keyboard.press('End');
    await alice.type(' more');
    await converged([alice, bob], (t) => t.includes('Alice line more'));

    await bob.editor.click();
    for (let i = 0; i < 5 && (await bob.text()).includes('Bob'); i++) await bob.page.keyboard.press('Control+z');
    const text = await converged([alice, bob], (t) => !t.includes('Bob'));
    expect(text).toContain('Alice line more');
  });
});
