import { describe, expect, it } from 'vitest';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';

const world = useWorld();

describe('nothing is lost', () => {
  it('5. reloading keeps everything; restarting the server process keeps everything', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Written before the reload.');
    await alice.waitSaved();
    await alice.page.reload();
    await alice.editor.waitFor();
    await expect.poll(() => alice.text(), { timeout: SETTLE_MS }).toContain('Written before the reload.');

    await world.app.restart();
    // The page reconnects by itself to the restarted server.
    await expect.poll(() => alice.status.getAttribute('data-connection'), { timeout: SETTLE_MS }).toBe('connected');
    const bob = await world.person('Bob');
    // Bob's browser never saw this document: what he gets comes from the server's disk.
    await bob.open(doc.editUrl);
    await converged([alice, bob], (t) => t.includes('Written before the reload.'));
    await alice.focusEnd();
    await alice.type(' And after the restart.');
    await converged([alice, bob], (t) => t.includes('And after the restart.'));
  });

  it('6. Bob goes offline and keeps typing, Alice types too; back online both converge and nothing is lost', async () => {
    const { doc, alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Shared start.');
    await converged([alice, bob], (t) => t.includes('Shared start.'));

    await expect.poll(() => bob.caretNames(), { timeout: SETTLE_MS }).toContain('Alice');
    await bob.person.context.setOffline(true);
    await expect.poll(() => bob.status.getAttribute('data-saved'), { timeout: SETTLE_MS }).toBe('offline');
    await expect.poll(() => bob.status.textContent(), { timeout: SETTLE_MS }).toContain('Offline');
    // Alice's caret does not stand frozen on Bob's screen while he cannot see her edits.
    await expect.poll(() => bob.caretNames(), { timeout: SETTLE_MS }).not.toContain('Alice');
    await bob.focusEnd();
    await bob.page.keyboard.press('Enter');
    await bob.type('Bob offline edit.');
    await alice.focusEnd();
    await alice.type(' Alice online edit.');
    // While Bob is offline his words cannot reach Alice.
    await expect.poll(() => alice.text(), { timeout: SETTLE_MS }).toContain('Alice online edit.');
    expect(await alice.text()).not.toContain('Bob offline edit.');
    expect(await bob.text()).not.toContain('Alice online edit.');

    await bob.person.context.setOffline(false);
    const text = await converged([alice, bob], (t) => t.includes('Bob offline edit.') && t.includes('Alice online edit.'));
    await alice.focusEnd();
    await alice.type('!');
    await expect.poll(() => bob.caretNames(), { timeout: SETTLE_MS }).toContain('Alice');
    expect(text).toContain('Shared start.');
    await bob.waitSaved();
    await alice.waitSaved();
  });

  it('7. a document opened before opens again with no network at all, is editable, and merges once back', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Known to this device.');
    await alice.waitSaved();
    // The offline shell (service worker) is in control once the page has loaded with it.
    await alice.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: SETTLE_MS });

    await alice.person.context.setOffline(true);
    await alice.page.reload();
    await alice.editor.waitFor({ timeout: SETTLE_MS });
    await expect.poll(() => alice.text(), { timeout: SETTLE_MS }).toContain('Known to this device.');
    await alice.focusEnd();
    await alice.type(' Written offline.');
    await expect.poll(() => alice.status.textContent(), { timeout: SETTLE_MS }).toContain('Offline');

    await alice.person.context.setOffline(false);
    await alice.waitSaved();
    const bob = await world.person('Bob');
    await bob.open(doc.editUrl);
    await expect.poll(() => bob.text(), { timeout: SETTLE_MS }).toContain('Known to this device. Written offline.');
  });
});
