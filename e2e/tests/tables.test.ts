import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { SETTLE_MS } from '../support/doc-page.js';
import { ARTIFACTS, useWorld } from '../support/fixture.js';
import { DocPage } from '../support/doc-page.js';
import { TOOLBAR_CONTROLS, WritingTools, exportOf, newPhonePerson, waitForExport } from '../support/writing-tools.js';

const world = useWorld();

describe('tables', () => {
  it('a table Alice makes, Bob adds a column to: both windows converge, columns resize for both, the exports agree', async () => {
    const { doc, alice, bob } = await world.aliceAndBob();
    const aliceTools = new WritingTools(alice.page);
    const bobTools = new WritingTools(bob.page);
    const kb = alice.page.keyboard;

    await alice.focusEnd();
    await alice.type('Plan for the week');
    await kb.press('Enter');
    await aliceTools.table('insert');
    for (const [i, cell] of ['Task', 'Owner', 'Due', 'Draft', 'Alice', 'Mon'].entries()) {
      if (i > 0) await kb.press('Tab');
      await alice.type(cell);
    }
    await expect.poll(() => bobTools.tableGrid(), { timeout: SETTLE_MS }).toEqual([
      ['Task', 'Owner', 'Due'],
      ['Draft', 'Alice', 'Mon'],
      ['', '', ''],
    ]);

    // Bob adds a column right of "Owner" from the table menu, then tabs into it and names it.
    await bob.editor.locator('th', { hasText: 'Owner' }).click();
    await bobTools.table('addColumnAfter');
    await bob.page.keyboard.press('Tab');
    await bob.type('Notes');
    const expected = [
      ['Task', 'Owner', 'Notes', 'Due'],
      ['Draft', 'Alice', '', 'Mon'],
      ['', '', '', ''],
    ];
    await expect.poll(() => aliceTools.tableGrid(), { timeout: SETTLE_MS }).toEqual(expected);
    await expect.poll(async () => (await alice.contentHtml()) === (await bob.contentHtml()), { timeout: SETTLE_MS }).toBe(true);
    expect(await bobTools.tableGrid()).toEqual(expected);

    // Alice drags the border between the first two columns to the right: both draw the new width.
    const first = (await alice.editor.locator('th').first().boundingBox())!;
    const y = first.y + first.height / 2;
    await alice.page.mouse.move(first.x + first.width - 2, y);
    await alice.page.mouse.down();
    await alice.page.mouse.move(first.x + first.width + 60, y, { steps: 6 });
    await alice.page.mouse.up();
    const widths = await aliceTools.columnWidths();
    expect(widths[0]).toMatch(/^\d+px$/);
    expect(Number.parseInt(widths[0]!, 10)).toBeGreaterThan(first.width + 30);
    await expect.poll(() => bobTools.columnWidths(), { timeout: SETTLE_MS }).toEqual(widths);

    const markdown = await waitForExport(world.app.url, doc, 'markdown', (md) => md.includes('Notes'));
    expect(markdown).toBe(
      [
        'Plan for the week',
        '',
        '| Task  | Owner | Notes | Due |',
        '| ----- | ----- | ----- | --- |',
        '| Draft | Alice |       | Mon |',
        '|       |       |       |     |',
        '',
      ].join('\n'),
    );
    const html = await exportOf(world.app.url, doc, 'html');
    expect(html.match(/<th /g)).toHaveLength(4);
    expect(html.match(/<td /g)).toHaveLength(8);
    expect(html).toContain('<th colspan="1" rowspan="1"><p>Notes</p></th>');
  });

  it('axe finds nothing serious or critical in the editor with a table, light or dark, with and without the table menu open', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.page.setViewportSize({ width: 1100, height: 640 });
    await alice.open(doc.editUrl);
    const tools = new WritingTools(alice.page);
    await alice.title.fill('Launch plan');
    await alice.focusEnd();
    await tools.pastePlainText(
      [
        'Who does what before the **March 3** launch; see the [release checklist](https://example.com/checklist).',
        '',
        '| Task | Owner | Status | Due |',
        '| --- | --- | :-: | --- |',
        '| Write the announcement | Alice | **done** | Feb 24 |',
        '| Update `pricing.json` | Bob | in review | Feb 27 |',
        '| Record the demo | Carol | ~~blocked~~ started | Mar 1 |',
      ].join('\n'),
    );
    await alice.editor.locator('table').waitFor();
    // The first column wider, as someone would drag it.
    const first = (await alice.editor.locator('th').first().boundingBox())!;
    await alice.page.mouse.move(first.x + first.width - 2, first.y + first.height / 2);
    await alice.page.mouse.down();
    await alice.page.mouse.move(first.x + first.width + 90, first.y + first.height / 2, { steps: 6 });
    await alice.page.mouse.up();
    await alice.editor.locator('td', { hasText: 'in review' }).click();
    await alice.waitSaved();
    await expectAccessible(alice.page, ['[data-testid="toolbar"]', 'main']);
    await mkdir(ARTIFACTS, { recursive: true });
    await alice.page.screenshot({ path: `${ARTIFACTS}tables-desktop.png` });

    await alice.page.getByTestId('tb-table').click();
    await tools.tableMenu.waitFor();
    await expectAccessible(alice.page, ['[data-testid="toolbar"]', '[data-testid="table-menu"]', 'main']);
  });
});

describe('pasting', () => {
  it('Markdown pasted as plain text becomes formatting for everyone; a pasted HTML table keeps its rows, spans and formatting', async () => {
    const { doc, alice, bob } = await world.aliceAndBob();
    const tools = new WritingTools(alice.page);
    await alice.focusEnd();
    await tools.pastePlainText(
      [
        '## Shopping',
        '',
        'Buy **milk** and *bread* at [the shop](https://shop.example.com).',
        '',
        '- [x] List written',
        '- [ ] Go shopping',
        '',
        '> Bring the bags.',
        '',
        '| Item | Qty |',
        '| --- | ---: |',
        '| Milk | 2 |',
        '| `Bread` | 1 |',
      ].join('\n'),
    );
    await expect.poll(() => bob.contentHtml(), { timeout: SETTLE_MS }).toContain('<blockquote><p>Bring the bags.</p></blockquote>');
    const html = await bob.contentHtml();
    expect(html).toContain('<h2>Shopping</h2>');
    expect(html).toContain('<p>Buy <strong>milk</strong> and <em>bread</em> at <a href="https://shop.example.com">the shop</a>.</p>');
    const tasks = bob.editor.locator('ul[data-type="taskList"] > li');
    expect(await tasks.evaluateAll((items) => items.map((li) => [li.getAttribute('data-checked'), li.querySelector('div')?.textContent]))).toEqual([
      ['true', 'List written'],
      ['false', 'Go shopping'],
    ]);
    expect(await new WritingTools(bob.page).tableGrid()).toEqual([
      ['Item', 'Qty'],
      ['Milk', '2'],
      ['Bread', '1'],
    ]);
    expect(await bob.editor.locator('td code').textContent()).toBe('Bread');

    // An HTML table, as copied from a web page or a spreadsheet, after the Markdown.
    await alice.page.keyboard.press('Control+End');
    await tools.pasteHtml(
      '<meta charset="utf-8"><table><thead><tr><th>Name</th><th colspan="2">Contact</th></tr></thead>' +
        '<tbody><tr><td><b>Ann</b></td><td>Mail</td><td>555</td></tr><tr><td>Bob</td><td>Phone</td><td>556</td></tr></tbody></table>',
      'Name\tContact\nAnn\tMail\t555\nBob\tPhone\t556',
    );
    await expect.poll(() => bob.editor.locator('table').count(), { timeout: SETTLE_MS }).toBe(2);
    const pasted = await bob.editor.locator('table').nth(1).evaluate((table) =>
      Array.from(table.querySelectorAll('tr')).map((row) =>
        Array.from(row.querySelectorAll('th, td')).map((cell) => {
          // Without Alice's caret, which may sit in a cell (see editor/TESTIDS.md).
          const copy = cell.cloneNode(true) as Element;
          copy.querySelectorAll('.collab-caret, img.ProseMirror-separator, br.ProseMirror-trailingBreak').forEach((el) => el.remove());
          return `${cell.tagName}${cell.getAttribute('colspan')}:${copy.innerHTML}`;
        }),
      ),
    );
    expect(pasted).toEqual([
      ['TH1:<p>Name</p>', 'TH2:<p>Contact</p>'],
      ['TD1:<p><strong>Ann</strong></p>', 'TD1:<p>Mail</p>', 'TD1:<p>555</p>'],
      ['TD1:<p>Bob</p>', 'TD1:<p>Phone</p>', 'TD1:<p>556</p>'],
    ]);

    const markdown = await waitForExport(world.app.url, doc, 'markdown', (md) => md.includes('Phone'));
    expect(markdown).toContain(
      [
        '## Shopping',
        '',
        'Buy **milk** and *bread* at [the shop](https://shop.example.com).',
        '',
        '- [x] List written',
        '- [ ] Go shopping',
        '',
        '> Bring the bags.',
        '',
        '| Item    | Qty |',
        '| ------- | --: |',
        '| Milk    | 2   |',
        '| `Bread` | 1   |',
        '',
        // The merged header cell keeps its text in its first slot; the slot it covers stays empty.
        '| Name    | Contact |     |',
        '| ------- | ------- | --- |',
        '| **Ann** | Mail    | 555 |',
        '| Bob     | Phone   | 556 |',
      ].join('\n'),
    );

    // The HTML export, opened in the browser: each task's box sits on the first line of its text.
    const exported = await exportOf(world.app.url, doc, 'html');
    await alice.page.setContent(exported);
    const offsets = await alice.page.locator('li[data-type="taskItem"]').evaluateAll((items) =>
      items.map((li) => {
        const box = li.querySelector('input')!.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(li.querySelector('p')!);
        const line = range.getClientRects()[0]!;
        return { gap: Math.abs(box.top + box.height / 2 - (line.top + line.height / 2)), lineHeight: line.height };
      }),
    );
    expect(offsets).toHaveLength(2);
    for (const { gap, lineHeight } of offsets) expect(gap).toBeLessThan(lineHeight / 2);
  });

  it('typing right after a link does not extend it', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Read the docs');
    for (let i = 0; i < 4; i++) await alice.page.keyboard.press('Shift+ArrowLeft');
    await alice.page.getByTestId('tb-link').click();
    await alice.page.getByTestId('link-input').fill('https://example.com/docs');
    await alice.page.getByTestId('link-apply').click();
    await alice.editor.click();
    await alice.page.keyboard.press('End');
    await alice.type('! Then more.');
    await expect.poll(() => alice.contentHtml()).toContain('<p>Read the <a href="https://example.com/docs">docs</a>! Then more.</p>');
  });
});

describe('the toolbar on a phone', () => {
  it('at 390 px every command can be reached by touch (the chevron pages the bar) and by keyboard', async () => {
    const doc = await world.createDoc();
    const person = await newPhonePerson(world.browser(), 'Carol', world.app.url);
    world.people.push(person);
    const carol = new DocPage(person.page);
    const tools = new WritingTools(person.page);
    await carol.open(doc.editUrl);
    await carol.title.fill('Groceries');
    await carol.editor.click();
    await carol.type('Milk, eggs and bread');

    // The page itself never scrolls sideways: the bar does, and says so.
    expect(await person.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const bar = (await tools.toolbar.boundingBox())!;
    expect(bar.x).toBeGreaterThanOrEqual(0);
    expect(bar.x + bar.width).toBeLessThanOrEqual(390);
    await person.page.getByTestId('toolbar-scroll-end').waitFor();
    expect(await person.page.getByTestId('toolbar-scroll-start').count()).toBe(0);
    expect(await tools.isReachable('tb-bold')).toBe(true);
    expect(await tools.isReachable('tb-redo')).toBe(false);

    // Touch: page along the bar to each control in turn; use the ones whose effect is easy to see.
    for (const id of TOOLBAR_CONTROLS) {
      await tools.scrollTo(id);
      if (id === 'tb-bulletList') {
        await person.page.getByTestId(id).tap();
        await expect.poll(() => carol.contentHtml()).toContain('<ul><li><p>Milk, eggs and bread</p></li></ul>');
        // Out of the list again, for what follows.
        await person.page.keyboard.press('Enter');
        await person.page.keyboard.press('Enter');
        await carol.type('Market on Saturday.');
      } else if (id === 'tb-horizontalRule') {
        await person.page.getByTestId(id).tap();
        await expect.poll(() => carol.editor.locator('hr').count()).toBe(1);
      } else if (id === 'tb-table') {
        await person.page.getByTestId(id).tap();
        // The menu opens on the screen, not off its edge.
        const menu = (await tools.tableMenu.boundingBox())!;
        expect(menu.x).toBeGreaterThanOrEqual(0);
        expect(menu.x + menu.width).toBeLessThanOrEqual(390);
        await person.page.getByTestId('table-insert').tap();
        await expect.poll(() => carol.editor.locator('table').count()).toBe(1);
      } else if (id === 'tb-undo') {
        await person.page.getByTestId(id).tap();
        await expect.poll(() => carol.editor.locator('table').count()).toBe(0);
      } else if (id === 'tb-redo') {
        await person.page.getByTestId(id).tap();
        await expect.poll(() => carol.editor.locator('table').count()).toBe(1);
      }
    }
    expect(await person.page.getByTestId('toolbar-scroll-end').count()).toBe(0);
    await person.page.getByTestId('toolbar-scroll-start').waitFor();

    // For the README: the table filled in, the bar part-way along with both chevrons.
    await carol.editor.locator('th').first().tap();
    for (const [i, cell] of ['Item', 'Qty', 'Where', 'Milk', '2', 'Dairy', 'Bread', '1', 'Bakery'].entries()) {
      if (i > 0) await person.page.keyboard.press('Tab');
      await carol.type(cell);
    }
    await person.page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await tools.toolbar.evaluate((bar) => bar.scrollTo({ left: 150 }));
    await person.page.getByTestId('toolbar-scroll-start').waitFor();
    await person.page.getByTestId('toolbar-scroll-end').waitFor();
    await carol.waitSaved();
    await person.page.mouse.move(200, 700); // no hover left on the header's buttons
    await mkdir(ARTIFACTS, { recursive: true });
    await person.page.screenshot({ path: `${ARTIFACTS}phone-toolbar.png` });

    // Keyboard: one tab stop, the arrows walk the whole bar and each control scrolls clear of the chevrons.
    // (One undo first, so that redo is enabled too, and a word selected for Comment: the arrows skip
    // disabled controls.)
    await carol.editor.focus();
    await person.page.keyboard.press('Control+Z');
    await expect.poll(() => person.page.getByTestId('tb-redo').isEnabled()).toBe(true);
    await carol.editor.getByText('Market on Saturday.').click();
    await person.page.keyboard.press('End');
    await person.page.keyboard.press('Shift+Home');
    await expect.poll(() => person.page.getByTestId('tb-comment').isEnabled()).toBe(true);
    await person.page.getByTestId('tb-bold').focus();
    await person.page.keyboard.press('Home');
    const seen: string[] = [];
    for (let step = 0; step < TOOLBAR_CONTROLS.length; step++) {
      const id = await person.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
      // The chevrons follow the bar's scroll event, a frame after the focus moved it.
      await expect.poll(() => tools.isReachable(id), { message: `${id} is in view when focused` }).toBe(true);
      seen.push(id);
      await person.page.keyboard.press('ArrowRight');
    }
    expect(seen).toEqual([...TOOLBAR_CONTROLS]);
    await person.page.keyboard.press('Home');
    await person.page.keyboard.press('End');
    expect(await person.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tb-comment');
    await expect.poll(() => tools.isReachable('tb-comment')).toBe(true);
  });
});
