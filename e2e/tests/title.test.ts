import { describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../support/doc-page.js';
import { ARTIFACTS, sideBySide, useWorld } from '../support/fixture.js';

const world = useWorld();

describe('the title is collaborative text', () => {
  it('Alice and Bob type at the two ends of the title at once: both runs intact in both windows, carets in place', async () => {
    const doc = await world.createDoc({ title: 'Meeting notes' });
    const alice = await world.person('Alice');
    const bob = await world.person('Bob');
    await alice.open(doc.editUrl);
    await bob.open(doc.editUrl);
    for (const p of [alice, bob]) await expect.poll(() => p.titleText(), { timeout: SETTLE_MS }).toBe('Meeting notes');

    await alice.title.click();
    await alice.page.keyboard.press('Home');
    await bob.title.click();
    await bob.page.keyboard.press('End');
    // Keystrokes cross in flight. Were the title one last-writer-wins string, or did each remote change move
    // Alice's caret to the end, her letters would land after Bob's or overwrite them.
    await Promise.all([alice.type('Draft: '), bob.type(' – March 3')]);

    const merged = 'Draft: Meeting notes – March 3';
    for (const p of [alice, bob]) await expect.poll(() => p.titleText(), { timeout: SETTLE_MS }).toBe(merged);
    expect(await alice.titleSelection()).toEqual([7, 7]); // right after "Draft: ", where she stopped typing
    expect(await bob.titleSelection()).toEqual([merged.length, merged.length]);
    for (const p of [alice, bob]) await expect.poll(() => p.page.title(), { timeout: SETTLE_MS }).toBe(`${merged} · Tandem`);
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);
    await sideBySide([alice, bob], `${ARTIFACTS}title-coediting.png`);

    // Bob keeps typing while Alice's caret rests: it stays on the same characters.
    await alice.page.keyboard.press('ArrowLeft'); // between "Draft:" and " "
    await bob.page.keyboard.press('Home');
    await bob.type('[x] ');
    await expect.poll(() => alice.titleText(), { timeout: SETTLE_MS }).toBe(`[x] ${merged}`);
    expect(await alice.titleSelection()).toEqual([10, 10]);

    // Ctrl+Z in Alice's title takes back her own words only, not Bob's characters one by one.
    await alice.page.keyboard.press('Control+z');
    for (const p of [alice, bob]) await expect.poll(() => p.titleText(), { timeout: SETTLE_MS }).toBe('[x] Meeting notes – March 3');
    await alice.page.keyboard.press('Control+Shift+z');
    for (const p of [alice, bob]) await expect.poll(() => p.titleText(), { timeout: SETTLE_MS }).toBe(`[x] ${merged}`);
    await Promise.all([alice.waitSaved(), bob.waitSaved()]);

    // What both saw is what the server keeps.
    const info = (await (await fetch(`${world.app.url}/api/docs/${doc.id}?token=${new URL(doc.viewUrl).hash.slice('#token='.length)}`)).json()) as {
      title: string;
    };
    expect(info.title).toBe(`[x] ${merged}`);
  });

  it('a view link follows renames live and cannot edit the title', async () => {
    const doc = await world.createDoc({ title: 'Plan' });
    const alice = await world.person('Alice');
    const carol = await world.person('Carol');
    await alice.open(doc.editUrl);
    await carol.open(doc.viewUrl);
    expect(await carol.title.evaluate((el) => el.tagName)).toBe('H1');
    await alice.title.click();
    await alice.page.keyboard.press('End');
    await alice.type(' for Q3');
    await expect.poll(() => carol.titleText(), { timeout: SETTLE_MS }).toBe('Plan for Q3');
    await expect.poll(() => carol.page.title(), { timeout: SETTLE_MS }).toBe('Plan for Q3 · Tandem');
    await carol.title.click();
    await carol.page.keyboard.type('hijack');
    await alice.type('!');
    await expect.poll(() => carol.titleText(), { timeout: SETTLE_MS }).toBe('Plan for Q3!');
    expect(await alice.titleText()).toBe('Plan for Q3!');
  });
});
