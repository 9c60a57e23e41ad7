/**
 * Import from the editor (server/SPEC.md §IM): a file picked or dropped on the start page becomes a new
 * document that opens; "Replace with file…" rewrites an open document for everyone in it.
 */
import { describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { SETTLE_MS } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';

const world = useWorld();

const PLAN = '# Launch\n\nShip it on **Friday**.\n\n- [ ] write the notes\n- [x] book the room\n\n| Who | What |\n| --- | --- |\n| Ana | slides |\n';

describe('import from the start page', () => {
  it('Import: a picked Markdown file opens as a new document titled after the file, tables and tasks intact', async () => {
    const alice = await world.person('Alice');
    await alice.page.goto(`${world.app.url}/`);
    await alice.page.getByTestId('import-input').setInputFiles({ name: 'launch_plan.md', mimeType: 'text/markdown', buffer: Buffer.from(PLAN) });
    await alice.page.waitForURL(/\/d\/[A-Za-z0-9_-]+#token=/, { timeout: SETTLE_MS });
    await alice.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    await expect.poll(() => alice.text(), { timeout: SETTLE_MS }).toContain('Ship it on Friday.');
    await expect.poll(() => alice.titleText(), { timeout: SETTLE_MS }).toBe('launch plan');
    expect(await alice.editor.locator('h1').first().textContent()).toBe('Launch');
    expect(await alice.editor.locator('strong').first().textContent()).toBe('Friday');
    expect(await alice.editor.locator('ul[data-type="taskList"] > li').count()).toBe(2);
    expect(await alice.editor.locator('li[data-checked="true"]').textContent()).toContain('book the room');
    expect(await alice.editor.locator('table td').allTextContents()).toEqual(['Ana', 'slides']);
  });

  it('Import: a Word file (.docx) opens with its headings and lists', async () => {
    // A real .docx, as Word files come: written by the `docx` library through our own export of a document.
    const source = await fetch(`${world.app.url}/api/docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Quarterly review', content: '# Results\n\n## Sales\n\n- north up\n- south flat\n\n1. hire\n2. ship\n', format: 'markdown' }),
    });
    const { id, viewToken } = (await source.json()) as { id: string; viewToken: string };
    const docx = await fetch(`${world.app.url}/api/docs/${id}/export?format=docx&token=${viewToken}`);
    expect(docx.status).toBe(200);
    const bytes = Buffer.from(await docx.arrayBuffer());

    const alice = await world.person('Alice');
    await alice.page.goto(`${world.app.url}/`);
    await alice.page
      .getByTestId('import-input')
      .setInputFiles({ name: 'Quarterly review.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: bytes });
    await alice.page.waitForURL(/\/d\/[A-Za-z0-9_-]+#token=/, { timeout: SETTLE_MS });
    await alice.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    await expect.poll(() => alice.text(), { timeout: SETTLE_MS }).toContain('north up');
    expect(await alice.editor.locator('h1').allTextContents()).toContain('Results');
    expect(await alice.editor.locator('h2').allTextContents()).toContain('Sales');
    expect(await alice.editor.locator('ul > li').allTextContents()).toEqual(['north up', 'south flat']);
    expect(await alice.editor.locator('ol > li').allTextContents()).toEqual(['hire', 'ship']);
  });

  it('a file dropped anywhere on the page is imported; a file of another kind is refused with a message', async () => {
    const alice = await world.person('Alice');
    await alice.page.goto(`${world.app.url}/`);
    const drop = (name: string, type: string, content: string) =>
      alice.page.getByTestId('start-page').evaluate(
        (el, file) => {
          const data = new DataTransfer();
          data.items.add(new File([file.content], file.name, { type: file.type }));
          el.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
          el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        },
        { name, type, content },
      );
    await drop('photo.png', 'image/png', 'not really');
    await expect.poll(() => alice.page.getByTestId('import-error').textContent(), { timeout: SETTLE_MS }).toContain('photo.png');
    expect(alice.page.url()).toBe(`${world.app.url}/`);
    // The start page, its refusal showing, passes axe.
    await expectAccessible(alice.page);

    await drop('Notes.html', 'text/html', '<h2>Agenda</h2><p onclick="alert(1)">Hello <a href="javascript:alert(2)">there</a></p><script>alert(3)</script>');
    await alice.page.waitForURL(/\/d\//, { timeout: SETTLE_MS });
    await alice.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    await expect.poll(() => alice.text(), { timeout: SETTLE_MS }).toBe('Agenda\nHello there');
    expect(await alice.editor.innerHTML()).not.toMatch(/alert|javascript:|onclick/);
  });
});

describe('Replace with file… in a document', () => {
  it('after a confirmation the text becomes the file’s, live for Bob too', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Old text');
    await expect.poll(() => bob.text(), { timeout: SETTLE_MS }).toContain('Old text');

    await alice.page.getByTestId('more-menu').click();
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByTestId('replace-with-file').click();
    await (await chooser).setFiles({ name: 'new.txt', mimeType: 'text/plain', buffer: Buffer.from('Fresh start\n\nSecond paragraph') });
    const dialog = alice.page.getByTestId('replace-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain('new.txt');
    await expectAccessible(alice.page, ['[data-testid="replace-dialog"]']);
    await alice.page.getByTestId('confirm-replace').click();
    await dialog.waitFor({ state: 'hidden', timeout: SETTLE_MS });
    for (const p of [alice, bob]) await expect.poll(() => p.text(), { timeout: SETTLE_MS }).toBe('Fresh start\nSecond paragraph');
  });
});
