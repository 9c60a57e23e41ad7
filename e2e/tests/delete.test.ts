import { describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';

const world = useWorld();

describe('deleting a document', () => {
  it('Alice deletes it after a confirmation naming it; Bob’s open window says it was deleted; it is gone everywhere', async () => {
    const doc = await world.createDoc({ title: 'Quarterly plan' });
    const alice = await world.person('Alice');
    const bob = await world.person('Bob');
    const carol = await world.person('Carol');
    await alice.open(doc.editUrl);
    await bob.open(doc.editUrl);
    await carol.open(doc.viewUrl);
    await alice.focusEnd();
    await alice.type('Soon gone');
    await converged([alice, bob, carol], (t) => t.includes('Soon gone'));

    // A view link offers no delete.
    await carol.page.getByTestId('more-menu').click();
    await carol.page.getByTestId('print').waitFor({ timeout: SETTLE_MS });
    expect(await carol.page.getByTestId('delete-document').count()).toBe(0);
    await carol.page.keyboard.press('Escape');

    // The confirmation names the document; Cancel changes nothing.
    await alice.page.getByTestId('more-menu').click();
    await alice.page.getByTestId('delete-document').click();
    const dialog = alice.page.getByTestId('delete-dialog');
    await dialog.waitFor({ timeout: SETTLE_MS });
    expect(await dialog.getByTestId('delete-dialog-title').innerText()).toBe('Quarterly plan');
    await expectAccessible(alice.page, ['[data-testid="delete-dialog"]']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: SETTLE_MS });
    expect(await alice.status.getAttribute('data-connection')).toBe('connected');

    await alice.page.getByTestId('more-menu').click();
    await alice.page.getByTestId('delete-document').click();
    await alice.page.getByTestId('confirm-delete').click();

    // Alice is back on the start page, told what happened; the document is off her recent list.
    await alice.page.waitForURL(`${world.app.url}/`, { timeout: SETTLE_MS });
    const notice = alice.page.getByTestId('start-notice');
    await notice.waitFor({ timeout: SETTLE_MS });
    expect(await notice.innerText()).toBe('“Quarterly plan” was deleted.');
    expect(await alice.page.locator(`[data-testid="recent-item"][data-doc-id="${doc.id}"]`).count()).toBe(0);
    await expectAccessible(alice.page);

    // Bob's and Carol's windows say so, and stay that way (no reconnect loop).
    for (const person of [bob, carol]) {
      const error = person.page.getByTestId('error-page');
      await error.waitFor({ timeout: SETTLE_MS });
      expect(await error.getAttribute('data-problem')).toBe('deleted-document');
      expect(await error.innerText()).toContain('This document was deleted');
      expect(await person.page.getByTestId('retry').count()).toBe(0);
    }
    await expectAccessible(bob.page);
    // Opening the link again: the server no longer knows the document.
    const token = doc.editUrl.split('#token=')[1]!;
    expect((await fetch(`${world.app.url}/api/docs/${doc.id}?token=${token}`)).status).toBe(404);
    // (A fresh load: the same address with only the fragment changed would not reload the page.)
    await bob.page.goto('about:blank');
    await bob.page.goto(doc.editUrl);
    const again = bob.page.getByTestId('error-page');
    await again.waitFor({ timeout: SETTLE_MS });
    expect(await again.getAttribute('data-problem')).toBe('unknown-document');
  });
});
