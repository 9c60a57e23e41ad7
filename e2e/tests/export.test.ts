import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';

const world = useWorld();

describe('export menu', () => {
  it('downloads the document as Word (.docx) with its title and text', async () => {
    const doc = await world.createDoc({ title: 'Team notes' });
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Ship the export on Friday.');
    await alice.waitSaved();

    await alice.page.getByTestId('more-menu').click();
    for (const id of ['export-markdown', 'export-html', 'export-docx', 'export-json', 'export-text', 'print']) {
      await expect.poll(() => alice.page.getByTestId(id).isVisible()).toBe(true);
    }
    expect(await alice.page.getByTestId('print').textContent()).toContain('Print / PDF');
    const [download] = await Promise.all([alice.page.waitForEvent('download'), alice.page.getByTestId('export-docx').click()]);
    expect(download.suggestedFilename()).toBe('Team notes.docx');
    const bytes = new Uint8Array(await readFile((await download.path())!));
    const xml = strFromU8(unzipSync(bytes)['word/document.xml']!);
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(' ');
    expect(text).toContain('Team notes');
    expect(text).toContain('Ship the export on Friday.');
  });

  it('Print / PDF calls the browser print; the printed page shows only the title and the document', async () => {
    const { alice, bob } = await world.aliceAndBob();
    await alice.page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      // The print dialog itself is the browser's: count the call instead of opening it.
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await alice.page.getByTestId('title').fill('Printable');
    await alice.focusEnd();
    await alice.type('Only this text is printed.');
    await bob.focusEnd();
    await converged([alice, bob], (t) => t.includes('Only this text is printed.'));
    // Bob's caret is in Alice's page.
    await expect.poll(() => alice.page.locator('.collab-caret').count(), { timeout: SETTLE_MS }).toBeGreaterThan(0);

    await alice.page.getByTestId('more-menu').click();
    await alice.page.getByTestId('print').click();
    expect(await alice.page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    // Every element that takes space on paper is the title, the document or what holds them.
    const strayElements = () => alice.page.evaluate(() => {
      const kept = [document.querySelector('[data-testid="title"]'), document.querySelector('[data-testid="editor"]')].filter(
        (el): el is Element => el !== null,
      );
      const out: string[] = [];
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        if (kept.some((k) => k === el || k.contains(el) || el.contains(k))) continue;
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
        if (!el.textContent?.trim() && !['svg', 'img', 'button', 'input'].includes(el.tagName.toLowerCase())) continue;
        out.push(`${el.tagName.toLowerCase()}.${String(el.className)}`);
      }
      return out;
    });
    // On screen the toolbar, header and carets are there (the check sees them)…
    expect((await strayElements()).length).toBeGreaterThan(3);
    // …on paper none is.
    await alice.page.emulateMedia({ media: 'print' });
    expect(await strayElements()).toEqual([]);
    expect(await alice.page.getByTestId('title').isVisible()).toBe(true);
    expect(await alice.editor.isVisible()).toBe(true);
    expect(await alice.page.locator('.collab-caret').first().isVisible()).toBe(false);
    await alice.page.screenshot({ path: `${process.env.EXPORT_SHOTS_DIR ?? '/tmp'}/print-preview.png` });
  });
});
