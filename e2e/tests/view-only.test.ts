import { describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';

const world = useWorld();

describe('view-only links', () => {
  it('3. Carol sees live updates and carets, cannot type, and is told the page is view-only', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    const carol = await world.person('Carol');
    await alice.open(doc.editUrl);
    await carol.open(doc.viewUrl);

    await expect(carol.page.getByTestId('readonly-badge').isVisible()).resolves.toBe(true);
    expect(await carol.editor.getAttribute('contenteditable')).toBe('false');
    expect(await carol.page.getByTestId('toolbar').count()).toBe(0);

    await alice.focusEnd();
    await alice.type('Live from Alice');
    await converged([alice, carol], (t) => t.includes('Live from Alice'));
    await expect.poll(() => carol.caretNames(), { timeout: SETTLE_MS }).toContain('Alice');
    // Alice sees Carol among the people here, as a viewer.
    await expect.poll(() => alice.presenceCount(), { timeout: SETTLE_MS }).toBe(2);
    // The read-only view (badge, no toolbar, Alice's caret) passes axe.
    await expectAccessible(carol.page);

    // Carol tries to type. Her editor must not take it: her own page is unchanged (keystrokes are handled as
    // they are dispatched), and so, below, are Alice's and the server's copies.
    const before = await carol.text();
    await carol.editor.click();
    await carol.page.keyboard.type('Carol sneaks in');
    await carol.page.keyboard.press('Enter');
    await carol.page.keyboard.press('Backspace');
    expect(await carol.text()).toBe(before);
    expect(await carol.editor.getAttribute('contenteditable')).toBe('false');
    await alice.type('!');
    const text = await converged([alice, carol], (t) => t.includes('Live from Alice!'));
    expect(text).not.toContain('Carol');
    // A fresh reader gets the same from the server. (That the server drops a view connection's updates [R1]
    // cannot show here — a read-only editor sends none; the server tests send them by hand.)
    const res = await fetch(`${world.app.url}/api/docs/${doc.id}/export?format=text&token=${doc.viewUrl.split('#token=')[1]}`);
    const exported = await res.text();
    expect(exported).toContain('Live from Alice!');
    expect(exported).not.toContain('Carol');
  });

  it('7. after Alice resets the links, the old view link shows a clear "no longer valid" page', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    const before = await alice.shareLinks();
    expect(before.view).toMatch(new RegExp(`/d/${doc.id}#token=`));
    await expectAccessible(alice.page, ['[data-testid="share-dialog"]']);
    await alice.page.getByTestId('reset-links').click();
    // The confirmation's danger button, in both schemes.
    await alice.page.getByTestId('confirm-reset').waitFor();
    await expectAccessible(alice.page, ['[data-testid="share-dialog"]']);
    await alice.page.getByTestId('confirm-reset').click();
    await alice.page.getByTestId('reset-done').waitFor({ timeout: SETTLE_MS });
    const view = alice.page.getByTestId('view-link');
    await expect.poll(() => view.inputValue(), { timeout: SETTLE_MS }).not.toBe(before.view);
    await alice.closeDialog();
    // Alice keeps editing with her new link.
    await alice.focusEnd();
    await alice.type('still editing');
    await alice.waitSaved();

    const carol = await world.person('Carol');
    await carol.page.goto(before.view);
    const error = carol.page.getByTestId('error-page');
    await error.waitFor({ timeout: SETTLE_MS });
    expect(await error.getAttribute('data-problem')).toBe('revoked-link');
    expect(await error.innerText()).toMatch(/no longer valid/i);
    await expectAccessible(carol.page);
  });
});
