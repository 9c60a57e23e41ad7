import { describe, it } from 'vitest';
import { useWorld } from '../support/fixture.js';
const world = useWorld();
describe('scratch', () => {
  it('slash', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    alice.page.on('console', (m) => console.log('CONSOLE', m.type(), m.text()));
    alice.page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Intro');
    await alice.page.keyboard.press('Enter');
    await alice.type('/');
    await alice.page.waitForTimeout(1000);
    console.log('HTML', await alice.editor.innerHTML());
    console.log('MENU', await alice.page.getByTestId('slash-menu').count());
  });
});
