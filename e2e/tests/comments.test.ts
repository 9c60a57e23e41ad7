import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { recordSocketCloses, CommentsPanel } from '../support/comments.js';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { ARTIFACTS, useWorld } from '../support/fixture.js';

const world = useWorld();

/** Screenshots for people to look at, besides the artifacts folder. */
const SHOTS = process.env.COMMENTS_SHOTS_DIR ?? '/tmp';

const SENTENCE = 'The sky is green today.';

interface ThreadInfo {
  id: string;
  quote: string;
  resolved: boolean;
  detached: boolean;
  comments: { author: string; body: string }[];
}

/** The server's own reading of the comments (GET /api/docs/:id/comments). */
async function serverThreads(id: string, url: string): Promise<ThreadInfo[]> {
  const token = url.split('#token=')[1]!;
  const res = await fetch(`${world.app.url}/api/docs/${id}/comments`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { threads: ThreadInfo[] }).threads;
}

/** Updates the server refused (any reason), from its metrics. */
async function refusedUpdates(): Promise<number> {
  const text = await (await fetch(`${world.app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('tandem_update_refusals_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('comments', () => {
  it('Alice comments on a sentence; Carol (comment link) replies and resolves while Bob edits it; the thread follows the text; Carol cannot type; a view link shows the thread without a reply box', async () => {
    const doc = await world.createDoc({ title: 'Weather report' });
    const alice = await world.person('Alice');
    const bob = await world.person('Bob');
    const carol = await world.person('Carol');
    await recordSocketCloses(carol.person.context);
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type(`Intro line.\n${SENTENCE}\nClosing line.`);
    await alice.waitSaved();
    await bob.open(doc.editUrl);
    await carol.open(doc.commentUrl);
    await converged([alice, bob, carol], (t) => t.includes('Closing line.'));

    // Carol's page says what she may do; her editor takes no typing, but she gets the comment toolbar.
    await carol.page.getByTestId('comment-badge').waitFor();
    expect(await carol.editor.getAttribute('contenteditable')).toBe('false');
    expect(await carol.page.getByTestId('toolbar').count()).toBe(0);
    await carol.page.getByTestId('comment-toolbar').waitFor();

    // Alice selects "sky is green" and comments with Ctrl+Alt+M, mentioning Carol (offered from presence).
    const aliceComments = new CommentsPanel(alice.page);
    await aliceComments.select('sky is green');
    await alice.page.keyboard.press('Control+Alt+m');
    const draft = alice.page.getByTestId('new-comment-input');
    await draft.waitFor();
    expect(await draft.evaluate((el) => el === document.activeElement)).toBe(true);
    await alice.page.keyboard.type('Is this right, @Ca', { delay: 10 });
    const options = alice.page.getByTestId('mention-option');
    await expect.poll(() => options.allTextContents(), { timeout: SETTLE_MS }).toEqual(['@Carol']);
    await alice.page.keyboard.press('Enter');
    await alice.page.keyboard.type('please check?', { delay: 10 });
    expect(await draft.inputValue()).toBe('Is this right, @Carol please check?');
    await alice.page.keyboard.press('Control+Enter');

    // Everyone sees one thread on exactly that passage.
    const bobComments = new CommentsPanel(bob.page);
    const carolComments = new CommentsPanel(carol.page);
    for (const c of [aliceComments, bobComments, carolComments]) {
      await c.waitThreads(1);
      await expect.poll(async () => Object.values(await c.highlights()), { timeout: SETTLE_MS }).toEqual(['sky is green']);
    }
    const threadId = (await aliceComments.threads.first().getAttribute('data-thread-id'))!;
    // Carol was mentioned: a badge on her comments button and on the thread.
    await expect.poll(() => carolComments.button.getAttribute('data-mentions'), { timeout: SETTLE_MS }).toBe('1');
    await carol.page.getByTestId('mention-badge').waitFor();
    expect(await bobComments.button.getAttribute('data-mentions')).toBe('0');

    // Meanwhile: Bob edits the sentence (inside the passage and just before it) while Carol replies.
    const bobEdits = (async () => {
      await bob.editor.click();
      await bobComments.select('green');
      await bob.page.keyboard.press('ArrowLeft'); // caret just before "green"
      await bob.type('surely ');
      await bobComments.select('sky');
      await bob.page.keyboard.press('ArrowLeft'); // caret just before "sky": outside the passage
      await bob.type('blue? ');
    })();
    const carolThread = carol.page.locator(`[data-testid="comment-thread"][data-thread-id="${threadId}"]`);
    await carolThread.click();
    // Opening the thread marks the mention as seen.
    await expect.poll(() => carolComments.button.getAttribute('data-mentions'), { timeout: SETTLE_MS }).toBe('0');
    await carolThread.getByTestId('reply-input').fill('Agreed, @Alice — it is green.');
    await carolThread.getByTestId('reply-input-submit').click();
    await bobEdits;

    const text = await converged([alice, bob, carol], (t) => t.includes('surely green'));
    expect(text).toContain('The blue? sky is surely green today.');
    // The thread followed the text: Bob's word inside the passage is in it, the one before it is not.
    for (const c of [aliceComments, bobComments, carolComments]) {
      await expect.poll(() => c.highlights(), { timeout: SETTLE_MS }).toEqual({ [threadId]: 'sky is surely green' });
      await expect
        .poll(() => c.comments(c.threads.first()), { timeout: SETTLE_MS })
        .toEqual([
          ['Alice', 'Is this right, @Carol please check?'],
          ['Carol', 'Agreed, @Alice — it is green.'],
        ]);
    }

    // A view link shows the thread, with nothing to write in.
    const dana = await world.person('Dana');
    await dana.open(doc.viewUrl);
    const danaComments = new CommentsPanel(dana.page);
    await danaComments.waitThreads(1);
    await danaComments.threads.first().click();
    expect(await danaComments.threads.first().getAttribute('data-active')).toBe('true');
    expect(await danaComments.comments(danaComments.threads.first())).toHaveLength(2);
    for (const id of ['reply-input', 'new-comment-input', 'thread-resolve', 'comment-edit', 'comment-delete', 'tb-comment', 'comment-toolbar']) {
      expect(await dana.page.getByTestId(id).count(), id).toBe(0);
    }

    // Screenshots of the panel with the thread open: desktop.
    await alice.page.setViewportSize({ width: 1280, height: 760 });
    await alice.page.locator(`[data-testid="comment-thread"][data-thread-id="${threadId}"]`).click();
    await mkdir(ARTIFACTS, { recursive: true });
    await alice.page.screenshot({ path: `${SHOTS}/comments-desktop.png` });
    await alice.page.screenshot({ path: `${ARTIFACTS}comments-desktop.png` });

    // Carol resolves the thread: it leaves everyone's panel and text; "Show resolved" brings it back.
    await carolThread.getByTestId('thread-resolve').click();
    await carolComments.waitThreads(0);
    // Dana has it open, so it stays (resolved) until she closes it: Escape, from the panel.
    await expect.poll(() => danaComments.threads.first().getAttribute('data-resolved'), { timeout: SETTLE_MS }).toBe('true');
    await danaComments.threads.first().focus();
    await dana.page.keyboard.press('Escape');
    await danaComments.waitThreads(0);
    await expect.poll(() => danaComments.highlights(), { timeout: SETTLE_MS }).toEqual({});
    await dana.page.getByTestId('show-resolved').check();
    await danaComments.waitThreads(1);
    expect(await danaComments.threads.first().getAttribute('data-resolved')).toBe('true');
    expect(await dana.page.getByTestId('thread-reopen').count()).toBe(0);

    // Carol cannot type into the text, and her socket was never closed (no 4403 for writing outside comments).
    const before = await carol.text();
    await carol.editor.click();
    await carol.page.keyboard.type('Carol sneaks in');
    await carol.page.keyboard.press('Enter');
    await carol.page.keyboard.press('Backspace');
    await carol.page.keyboard.press('Control+z');
    expect(await carol.text()).toBe(before);
    await alice.focusEnd();
    await alice.type(' Done.');
    expect(await converged([alice, bob, carol, dana], (t) => t.endsWith('Done.'))).not.toContain('Carol');
    expect(await carolComments.socketCloses()).toEqual([]);
    expect(await carol.status.getAttribute('data-connection')).toBe('connected');
    expect(await refusedUpdates()).toBe(0);

    // The server agrees on all of it.
    const threads = await serverThreads(doc.id, doc.viewUrl);
    expect(threads).toMatchObject([
      {
        id: threadId,
        quote: 'sky is surely green',
        resolved: true,
        detached: false,
        comments: [
          { author: 'Alice', body: 'Is this right, @Carol please check?' },
          { author: 'Carol', body: 'Agreed, @Alice — it is green.' },
        ],
      },
    ]);
  });
});
