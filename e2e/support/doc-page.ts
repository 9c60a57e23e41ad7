import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Bounded wait for convergence; never a fixed sleep. */
export const SETTLE_MS = 15_000;

/** What a person sees and does on a document page, by the test ids in editor/TESTIDS.md. */
export class DocPage {
  constructor(readonly page: Page) {}

  get editor(): Locator {
    return this.page.getByTestId('editor');
  }
  get status(): Locator {
    return this.page.getByTestId('status');
  }
  get presence(): Locator {
    return this.page.getByTestId('presence');
  }
  /** The title: a textarea for editors, a heading for viewers. */
  get title(): Locator {
    return this.page.getByTestId('title');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.editor.waitFor({ state: 'visible', timeout: SETTLE_MS });
    await expect.poll(() => this.status.getAttribute('data-connection'), { timeout: SETTLE_MS }).toBe('connected');
  }

  /** The document's text as the editor shows it (carets' name labels are CSS, not text). */
  async text(): Promise<string> {
    // Text per block, not innerText: caret widgets change line layout (and so innerText) in one window only.
    return this.editor.evaluate((el) =>
      Array.from(el.querySelectorAll('p, h1, h2, h3, h4, h5, h6, pre'))
        .map((block) => block.textContent ?? '')
        .join('\n'),
    );
  }

  /**
   * The document's structure as rendered: tags, link targets and text, without what differs between
   * windows by design (other people's carets and selections, ProseMirror's layout helpers).
   */
  contentHtml(): Promise<string> {
    return this.editor.evaluate((root) => {
      const walk = (node: Node): string => {
        if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
        if (!(node instanceof HTMLElement)) return '';
        if (node.classList.contains('collab-caret') || node.tagName === 'BR' || node.tagName === 'IMG') return '';
        const inner = Array.from(node.childNodes).map(walk).join('');
        if (node.classList.contains('collab-selection') || node.tagName === 'SPAN') return inner;
        const tag = node.tagName.toLowerCase();
        const href = node.getAttribute('href');
        return `<${tag}${href ? ` href="${href}"` : ''}>${inner}</${tag}>`;
      };
      return Array.from(root.childNodes).map(walk).join('');
    });
  }

  /** The title as this page shows it (the field's value, or the viewer's heading). */
  titleText(): Promise<string> {
    return this.title.evaluate((el) => (el instanceof HTMLTextAreaElement ? el.value : (el.textContent ?? '')));
  }

  /** The title field's selection: [start, end]. */
  titleSelection(): Promise<[number, number]> {
    return this.title.evaluate((el) => [(el as HTMLTextAreaElement).selectionStart, (el as HTMLTextAreaElement).selectionEnd]);
  }

  /** Puts the cursor at the very end of the document. */
  async focusEnd(): Promise<void> {
    await this.editor.click();
    await this.page.keyboard.press('Control+End');
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text, { delay: 15 });
  }

  async waitSaved(): Promise<void> {
    await expect.poll(() => this.status.getAttribute('data-saved'), { timeout: SETTLE_MS }).toBe('saved');
  }

  /** Names on other people's carets, as rendered in this page. */
  caretNames(): Promise<string[]> {
    return this.page.locator('.collab-caret').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name ?? ''));
  }

  async presenceCount(): Promise<number> {
    return Number(await this.presence.getAttribute('data-count'));
  }

  /** Opens the Share dialog and returns the two links shown in it. */
  async shareLinks(): Promise<{ edit: string | null; view: string }> {
    await this.page.getByTestId('share-button').click();
    const dialog = this.page.getByTestId('share-dialog');
    await dialog.waitFor();
    const view = this.page.getByTestId('view-link');
    await expect.poll(() => view.inputValue(), { timeout: SETTLE_MS }).toMatch(/#token=/);
    const editField = this.page.getByTestId('edit-link');
    const edit = (await editField.count()) > 0 ? await editField.inputValue() : null;
    return { edit, view: await view.inputValue() };
  }

  async closeDialog(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.getByTestId('share-dialog').waitFor({ state: 'hidden' });
  }
}

/** Polls until every page shows the same text, then returns it. */
export async function converged(pages: DocPage[], check: (text: string) => boolean = () => true): Promise<string> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const texts = await Promise.all(pages.map((p) => p.text()));
    if (texts.every((t) => t === texts[0]) && check(texts[0]!)) return texts[0]!;
    if (Date.now() > deadline) throw new Error(`pages did not converge: ${JSON.stringify(texts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
