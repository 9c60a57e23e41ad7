/**
 * Images [UP7]: Alice uploads one with the toolbar's button and pastes another; Bob, in his own browser,
 * sees both load (through the upload route, with his link's token). Pasted HTML with a picture from a site
 * this browser cannot read keeps a link with a note; a data: picture is copied; an SVG is refused in words.
 * Alt text and size set by Alice reach Bob and the exports; so does a width set by dragging the image's handle.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SETTLE_MS } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';
import { exportOf, waitForExport } from '../support/writing-tools.js';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../server/test/support/images.js';

const world = useWorld();

/** Pastes a clipboard holding `files` (name, type, bytes) and/or `html` into the page's editor. */
async function paste(page: Page, content: { files?: { name: string; type: string; bytes: number[] }[]; html?: string }): Promise<void> {
  await page.getByTestId('editor').evaluate((editor, c) => {
    const data = new DataTransfer();
    for (const f of c.files ?? []) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    if (c.html) data.setData('text/html', c.html);
    editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, content);
}

/** The natural sizes of the images the editor shows, in document order (0×0 while one has not loaded). */
function shownImages(page: Page): Promise<{ w: number; h: number; alt: string }[]> {
  return page.getByTestId('editor').evaluate((editor) =>
    Array.from(editor.querySelectorAll<HTMLImageElement>('figure.doc-image img')).map((img) => ({ w: img.naturalWidth, h: img.naturalHeight, alt: img.alt })),
  );
}

describe('images', () => {
  it('the test images are real: Chromium decodes each of them', async () => {
    const alice = await world.person('Alice');
    await alice.page.goto(world.app.url);
    const sizes = await alice.page.evaluate(async (all) => {
      const out: number[][] = [];
      for (const [type, bytes] of all) {
        const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type }));
        const img = new Image();
        img.src = url;
        await img.decode();
        out.push([img.naturalWidth, img.naturalHeight]);
      }
      return out;
    }, [['image/png', [...makePng(5, 4)]], ['image/jpeg', [...makeJpeg()]], ['image/gif', [...makeGif()]], ['image/webp', [...makeWebp()]]] as [string, number[]][]);
    expect(sizes).toEqual([[5, 4], [8, 8], [1, 1], [1, 1]]);
  });

  it('upload by button and by paste; Bob sees both; alt text and size reach Bob and the exports; foreign and SVG pastes are told', async () => {
    const { doc, alice, bob } = await world.aliceAndBob();
    await alice.focusEnd();
    await alice.type('Holiday pictures');

    // 1. The toolbar's button: a file chooser, a PNG.
    const [chooser] = await Promise.all([alice.page.waitForEvent('filechooser'), alice.page.getByTestId('tb-image').click()]);
    await chooser.setFiles({ name: 'red-square.png', mimeType: 'image/png', buffer: Buffer.from(makePng(320, 180, [214, 69, 65])) });
    await expect.poll(() => shownImages(bob.page), { timeout: SETTLE_MS }).toEqual([{ w: 320, h: 180, alt: 'red square' }]);

    // 2. A pasted file (a JPEG), after the first image.
    await alice.editor.click();
    await alice.page.keyboard.press('Control+End');
    await paste(alice.page, { files: [{ name: 'image.jpg', type: 'image/jpeg', bytes: [...makeJpeg()] }] });
    await expect.poll(async () => (await shownImages(bob.page)).map((i) => i.w), { timeout: SETTLE_MS }).toEqual([320, 8]);
    // The image loads through the upload route, with Bob's token; the document holds the path without it.
    const src = await bob.editor.locator('figure.doc-image img').first().getAttribute('src');
    expect(src).toMatch(new RegExp(`^/api/docs/${doc.id}/uploads/[0-9a-f]{64}\\?token=`));

    // 3. Pasted HTML: a picture from a site that cannot be read keeps a link and says so; a data: picture is copied.
    const gifData = `data:image/gif;base64,${Buffer.from(makeGif()).toString('base64')}`;
    await paste(alice.page, { html: `<p>From the web:</p><img src="http://127.0.0.1:9/cat.png" alt="a cat"><img src="${gifData}" alt="dot">` });
    await expect
      .poll(() => bob.text(), { timeout: SETTLE_MS })
      .toContain('Image from 127.0.0.1:9 (“a cat”) could not be copied — link kept: http://127.0.0.1:9/cat.png');
    await expect.poll(async () => (await shownImages(bob.page)).map((i) => i.w), { timeout: SETTLE_MS }).toEqual([320, 8, 1]);
    expect(await bob.editor.locator('a[href="http://127.0.0.1:9/cat.png"]').count()).toBe(1);
    // The copied data: picture becomes an upload, not a data: URI in the document (it shows at once, while
    // its upload is still under way).
    await expect.poll(() => bob.editor.locator('img[src^="data:"]').count(), { timeout: SETTLE_MS }).toBe(0);

    // 4. An SVG file is refused, in words, and nothing is inserted.
    await paste(alice.page, { files: [{ name: 'logo.svg', type: 'image/svg+xml', bytes: [...Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')] }] });
    await expect.poll(() => alice.page.getByTestId('image-error').textContent(), { timeout: SETTLE_MS }).toContain('SVG images are not accepted');
    expect((await shownImages(alice.page)).length).toBe(3);

    // 5. Alt text and size of the first image: select it, edit in the image bar.
    await alice.editor.locator('figure.doc-image').first().click();
    await alice.page.getByTestId('image-bar').waitFor();
    await alice.page.getByTestId('image-alt').fill('A red square on white');
    await alice.page.getByTestId('image-alt').press('Enter');
    await alice.editor.locator('figure.doc-image').first().click();
    await alice.page.getByTestId('image-size-small').click();
    await expect.poll(() => bob.editor.locator('figure.doc-image').first().getAttribute('data-width'), { timeout: SETTLE_MS }).toBe('240');
    await expect.poll(async () => (await shownImages(bob.page))[0]?.alt, { timeout: SETTLE_MS }).toBe('A red square on white');

    // 6. The exports: markdown links each image (with a view token); HTML can embed them.
    const markdown = await waitForExport(world.app.url, doc, 'markdown', (md) => md.includes('![A red square on white]'));
    expect(markdown).toMatch(new RegExp(`!\\[A red square on white\\]\\(http://[^)]+/api/docs/${doc.id}/uploads/[0-9a-f]{64}\\?token=[^)]+\\)`));
    expect(markdown).toContain('![dot](');
    const html = await exportOf(world.app.url, doc, 'html');
    expect(html).toMatch(/<img src="http[^"]+" alt="A red square on white" width="240">/);

    // 7. Dragging the selected image's corner handle 100 px to the right widens it for both, in one undo step.
    const first = alice.editor.locator('figure.doc-image').first();
    await first.click();
    await alice.page.getByTestId('image-bar').waitFor();
    const grip = (await alice.page.getByTestId('image-resize').boundingBox())!;
    const [x, y] = [grip.x + grip.width / 2, grip.y + grip.height / 2];
    await alice.page.mouse.move(x, y);
    await alice.page.mouse.down();
    await alice.page.mouse.move(x + 100, y + 30, { steps: 4 });
    await alice.page.mouse.up();
    const bobsFirst = bob.editor.locator('figure.doc-image').first();
    await expect.poll(() => bobsFirst.getAttribute('data-width'), { timeout: SETTLE_MS }).toBe('340');
    expect(await first.getAttribute('data-width')).toBe('340');
    expect((await bobsFirst.boundingBox())!.width).toBeCloseTo(340, 0);
    await alice.page.keyboard.press('Control+z');
    await expect.poll(() => bobsFirst.getAttribute('data-width'), { timeout: SETTLE_MS }).toBe('240');
  });
});
