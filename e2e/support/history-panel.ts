import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { SETTLE_MS } from './doc-page.js';

/** A change shown in the preview: its text, who made it (name) and the colour it is drawn in. */
export interface PreviewChange {
  text: string;
  author: string;
  color: string;
  title: string;
}

/** The History panel and the preview it opens, by the test ids in editor/TESTIDS.md. */
export class HistoryPanel {
  constructor(readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('history-panel');
  }
  get preview(): Locator {
    return this.page.getByTestId('history-preview');
  }
  get versions(): Locator {
    return this.page.getByTestId('version-item');
  }
  get range(): Locator {
    return this.page.getByTestId('timeslider-range');
  }

  /** Opens the panel from the ⋯ menu (`shortcut`: with Ctrl+Alt+H instead). */
  async open({ shortcut = false } = {}): Promise<void> {
    if (shortcut) {
      await this.page.keyboard.press('Control+Alt+h');
    } else {
      await this.page.getByTestId('more-menu').click();
      await this.page.getByTestId('open-history').click();
    }
    await this.panel.waitFor({ timeout: SETTLE_MS });
  }

  /** Names the current version through the panel and waits for it in the list. */
  async nameVersion(name: string): Promise<void> {
    const before = await this.versions.count();
    await this.page.getByTestId('name-version').click();
    await this.page.getByTestId('version-name-input').fill(name);
    await this.page.keyboard.press('Enter');
    await expect.poll(() => this.versions.count(), { timeout: SETTLE_MS }).toBeGreaterThan(before);
  }

  /** Waits until the preview shows the diff `from` → `to` (either may be left out) and has stopped loading. */
  async previewShows(range: { from?: string; to?: string } = {}): Promise<void> {
    await expect
      .poll(
        () =>
          this.preview.evaluate((el) => ({
            loading: el.getAttribute('data-loading'),
            from: el.getAttribute('data-from'),
            to: el.getAttribute('data-to'),
            body: el.querySelector('[data-testid="preview-body"]') !== null,
          })),
        { timeout: SETTLE_MS },
      )
      .toMatchObject({ loading: 'false', body: true, ...range });
  }

  /** The preview's text, block by block, deletions included. */
  previewText(): Promise<string> {
    return this.page
      .getByTestId('preview-body')
      .evaluate((el) => Array.from(el.querySelectorAll('p, h1, h2, h3, h4, h5, h6, pre')).map((b) => b.textContent ?? '').join('\n'));
  }

  /** The insertions or deletions the preview highlights. */
  changes(kind: 'insert' | 'delete'): Promise<PreviewChange[]> {
    return this.page.locator(kind === 'insert' ? '.diff-ins' : '.diff-del').evaluateAll((els) =>
      els.map((el) => ({
        text: el.textContent ?? '',
        author: (el as HTMLElement).dataset.author ?? '',
        color: (el as HTMLElement).style.getPropertyValue('--author-color'),
        title: el.getAttribute('title') ?? '',
      })),
    );
  }
}
