import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { SETTLE_MS } from './doc-page.js';

/**
 * Records the close code of every WebSocket the page opens (in `window.__socketCloses`), so a test can
 * tell that the server never closed a socket (e.g. 4403 for a comment link that wrote outside `comments`).
 * Must run before the page loads.
 */
export async function recordSocketCloses(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const closes: number[] = [];
    (window as unknown as { __socketCloses: number[] }).__socketCloses = closes;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('close', (event) => closes.push(event.code));
      }
    };
  });
}

/** The comments of a document page, by the test ids in editor/TESTIDS.md. */
export class CommentsPanel {
  constructor(readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('comments-panel');
  }
  get threads(): Locator {
    return this.page.getByTestId('comment-thread');
  }
  get button(): Locator {
    return this.page.getByTestId('comments-button');
  }

  /** Close codes of this page's sockets so far (see recordSocketCloses). */
  socketCloses(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { __socketCloses?: number[] }).__socketCloses ?? []);
  }

  /**
   * Selects the first occurrence of `text` in the document, as a person dragging over it would end up
   * (the editor is focused first when it can be: a read-only one follows the page's selection).
   */
  async select(text: string): Promise<void> {
    const editor = this.page.getByTestId('editor');
    if ((await editor.getAttribute('contenteditable')) === 'true') await editor.focus();
    const found = await editor.evaluate((root, wanted) => {
      // Highlights and carets split the text into several nodes: search their concatenation.
      const nodes: Text[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
      const all = nodes.map((n) => n.data).join('');
      const at = all.indexOf(wanted);
      if (at === -1) return false;
      const locate = (offset: number, end: boolean): [Text, number] => {
        let start = 0;
        for (const node of nodes) {
          if (offset < start + node.length || (end && offset === start + node.length)) return [node, offset - start];
          start += node.length;
        }
        const last = nodes[nodes.length - 1]!;
        return [last, last.length];
      };
      const range = document.createRange();
      range.setStart(...locate(at, false));
      range.setEnd(...locate(at + wanted.length, true));
      const selection = getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }, text);
    expect(found, `"${text}" in the document`).toBe(true);
  }

  /** The passages highlighted for threads: thread id → text (a passage may span several elements). */
  highlights(): Promise<Record<string, string>> {
    return this.page.getByTestId('editor').evaluate((root) => {
      const out: Record<string, string> = {};
      for (const el of Array.from(root.querySelectorAll<HTMLElement>('.comment-mark'))) {
        const id = el.dataset.threadId ?? '';
        out[id] = (out[id] ?? '') + (el.textContent ?? '');
      }
      return out;
    });
  }

  /** One thread card's comments as [author, body]. */
  comments(thread: Locator): Promise<[string, string][]> {
    return thread.getByTestId('comment').evaluateAll((els) =>
      els.map((el) => [
        el.querySelector('[data-testid="comment-author"]')?.textContent ?? '',
        el.querySelector('[data-testid="comment-body"]')?.textContent ?? '',
      ]),
    );
  }

  /** Waits until exactly `n` thread cards are shown. */
  async waitThreads(n: number): Promise<void> {
    await expect.poll(() => this.threads.count(), { timeout: SETTLE_MS }).toBe(n);
  }
}
