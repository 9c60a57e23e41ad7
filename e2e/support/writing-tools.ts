import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Person } from './browser.js';
import { SETTLE_MS } from './doc-page.js';

/** Every control of the formatting toolbar, in bar order (editor/TESTIDS.md). */
export const TOOLBAR_CONTROLS = [
  'tb-block',
  'tb-bold',
  'tb-italic',
  'tb-underline',
  'tb-strike',
  'tb-code',
  'tb-link',
  'tb-highlight',
  'tb-subscript',
  'tb-superscript',
  'tb-color',
  'tb-bulletList',
  'tb-orderedList',
  'tb-taskList',
  'tb-blockquote',
  'tb-codeBlock',
  'tb-horizontalRule',
  'tb-align-left',
  'tb-align-center',
  'tb-align-right',
  'tb-align-justify',
  'tb-table',
  'tb-image',
  'tb-undo',
  'tb-redo',
  'tb-comment',
] as const;

/** The toolbar, its table menu and the first table in the text, by the test ids in editor/TESTIDS.md. */
export class WritingTools {
  constructor(readonly page: Page) {}

  get toolbar(): Locator {
    return this.page.getByTestId('toolbar');
  }
  get tableMenu(): Locator {
    return this.page.getByTestId('table-menu');
  }

  /** Runs a table-menu command (`insert`, `addColumnAfter` …) at the cursor. */
  async table(command: string): Promise<void> {
    await this.page.getByTestId('tb-table').click();
    await this.page.getByTestId(`table-${command}`).click();
    await this.tableMenu.waitFor({ state: 'detached' });
  }

  /** The first table of the text as rows of cell texts. */
  tableGrid(): Promise<string[][]> {
    return this.page.getByTestId('editor').evaluate((root) =>
      Array.from(root.querySelector('table')?.querySelectorAll('tr') ?? []).map((row) =>
        Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent ?? ''),
      ),
    );
  }

  /** The widths the first table's columns are drawn with (`''` for a column never resized). */
  columnWidths(): Promise<string[]> {
    return this.page.getByTestId('editor').evaluate((root) => Array.from(root.querySelectorAll('table colgroup col')).map((col) => (col as HTMLElement).style.width));
  }

  /** Puts `text` on the clipboard as plain text only, then pastes it where the cursor is. */
  async pastePlainText(text: string): Promise<void> {
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.page.keyboard.press('Control+V');
  }

  /** Puts `html` (with a plain-text twin, as browsers copy) on the clipboard, then pastes it. */
  async pasteHtml(html: string, plain: string): Promise<void> {
    await this.page.evaluate(
      ([h, t]) =>
        navigator.clipboard.write([
          new ClipboardItem({ 'text/html': new Blob([h!], { type: 'text/html' }), 'text/plain': new Blob([t!], { type: 'text/plain' }) }),
        ]),
      [html, plain],
    );
    await this.page.keyboard.press('Control+V');
  }

  /**
   * Whether the control shows whole inside the toolbar and nothing covers its middle (a chevron would):
   * what a finger needs to tap it.
   */
  isReachable(testId: string): Promise<boolean> {
    return this.page.getByTestId(testId).evaluate((el) => {
      const bar = el.closest('[data-testid="toolbar"]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      if (box.left < bar.left - 0.5 || box.right > bar.right + 0.5 || box.right > window.innerWidth) return false;
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit !== null && (hit === el || el.contains(hit));
    });
  }

  /** Taps the end chevron until the control can be tapped; fails if the bar ends first. */
  async scrollTo(testId: string): Promise<void> {
    for (let page = 0; page < 12; page++) {
      if (await this.isReachable(testId)) return;
      const more = this.page.getByTestId('toolbar-scroll-end');
      if ((await more.count()) === 0) break;
      // The chevron goes away the moment the bar reaches its end, which can fall between finding it and
      // tapping it on a busy machine; then there is nothing left to page and the next look decides.
      await more.click({ timeout: 5_000 }).catch(async (error: unknown) => {
        if ((await more.count()) > 0) throw error;
      });
      // The bar scrolls smoothly, and a loaded machine can skip frames mid-scroll: wait until its offset
      // has held still for a while before looking again.
      await this.page.waitForFunction(
        () =>
          new Promise<boolean>((resolve) => {
            const bar = document.querySelector('[data-testid="toolbar"]')!;
            const before = bar.scrollLeft;
            setTimeout(() => resolve(bar.scrollLeft === before), 150);
          }),
      );
    }
    expect(await this.isReachable(testId), `${testId} can be reached`).toBe(true);
  }
}

/** A person on a phone: 390 × 844 CSS px, touch, a coarse pointer, own storage (like `newPerson`). */
export async function newPhonePerson(browser: Browser, name: string, baseURL: string): Promise<Person> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.addInitScript((n) => {
    if (!localStorage.getItem('tandem:identity')) localStorage.setItem('tandem:identity', JSON.stringify({ name: n, color: '#059669' }));
  }, name);
  return { name, context, page: await context.newPage() };
}

/** Fetches a document's export with an edit link's token. */
export async function exportOf(appUrl: string, doc: { id: string; editUrl: string }, format: 'markdown' | 'html'): Promise<string> {
  const token = doc.editUrl.split('#token=')[1]!;
  const res = await fetch(`${appUrl}/api/docs/${doc.id}/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Polls until the export holds what `check` wants (the server sees edits a moment after the pages do). */
export async function waitForExport(appUrl: string, doc: { id: string; editUrl: string }, format: 'markdown' | 'html', check: (body: string) => boolean): Promise<string> {
  let body = '';
  await expect
    .poll(
      async () => {
        body = await exportOf(appUrl, doc, format);
        return check(body);
      },
      { timeout: SETTLE_MS },
    )
    .toBe(true);
  return body;
}
