import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectAccessible } from '../support/a11y.js';
import { recordSocketCloses, CommentsPanel } from '../support/comments.js';
import { SETTLE_MS, converged } from '../support/doc-page.js';
import { ARTIFACTS, useWorld } from '../support/fixture.js';
import { writeAsProgram } from '../support/raw-client.js';

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
    // A click on the highlighted passage opens its thread (the text is read-only for her).
    await dana.page.locator('.comment-mark').first().click();
    await expect.poll(() => danaComments.threads.first().getAttribute('data-active'), { timeout: SETTLE_MS }).toBe('true');
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

  it('on a phone the comments are a bottom sheet; a comment link comments from the selection bubble, edits and deletes its own comment; a thread whose text is deleted shows detached; the panel passes axe', async () => {
    const doc = await world.createDoc();
    const alice = await world.person('Alice');
    await alice.page.setViewportSize({ width: 1280, height: 800 });
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('First paragraph stays.\nThis sentence will vanish.\nLast words here.');
    await alice.waitSaved();

    // Alice comments with the toolbar button.
    const aliceComments = new CommentsPanel(alice.page);
    await aliceComments.select('will vanish');
    await alice.page.getByTestId('tb-comment').click();
    await alice.page.getByTestId('new-comment-input').fill('Should this go?');
    await alice.page.getByTestId('new-comment-input-submit').click();
    await aliceComments.waitThreads(1);
    expect(await aliceComments.panel.getAttribute('data-layout')).toBe('aligned');
    // The box she wrote in is gone: focus went to the thread it became.
    await expect
      .poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: SETTLE_MS })
      .toBe('comment-thread');

    // Erin, on a phone with a comment link: the sheet stays closed until she asks for it.
    const erin = await world.person('Erin');
    await recordSocketCloses(erin.person.context);
    await erin.page.setViewportSize({ width: 390, height: 844 });
    await erin.open(doc.commentUrl);
    const erinComments = new CommentsPanel(erin.page);
    await expect.poll(() => erinComments.button.getAttribute('data-count'), { timeout: SETTLE_MS }).toBe('1');
    expect(await erinComments.panel.count()).toBe(0);
    await erinComments.button.click();
    await erinComments.waitThreads(1);
    expect(await erinComments.panel.getAttribute('data-layout')).toBe('sheet');
    // Focus went to the sheet; it spans the phone's width at the bottom of the screen.
    expect(await erin.page.evaluate(() => document.activeElement?.closest('[data-testid="comments-panel"]') !== null)).toBe(true);
    const width = await erin.page.evaluate(() => document.documentElement.clientWidth);
    const sheet = (await erinComments.panel.boundingBox())!;
    expect(sheet.width).toBe(width);
    expect(sheet.y + sheet.height).toBeCloseTo(844, 0);
    // Away from the text, a card quotes what it is about.
    expect(await erinComments.threads.first().getByTestId('thread-quote').textContent()).toBe('will vanish');

    // She selects text and comments from the bubble under the selection.
    await erinComments.select('Last words');
    await erin.page.getByTestId('bubble-comment').click();
    await erin.page.getByTestId('new-comment-input').fill('From my phone');
    await erin.page.getByTestId('new-comment-input-submit').click();
    await erinComments.waitThreads(2);
    await aliceComments.waitThreads(2);
    await erin.waitSaved();
    await mkdir(ARTIFACTS, { recursive: true });
    await erin.page.screenshot({ path: `${SHOTS}/comments-phone.png` });
    await erin.page.screenshot({ path: `${ARTIFACTS}comments-phone.png` });
    await expectAccessible(erin.page, ['[data-testid="comments-panel"]']);

    // Her own comment can be edited and deleted; Alice's cannot (the server would refuse it).
    const erinThread = erinComments.threads.filter({ hasText: 'From my phone' });
    const aliceThread = erinComments.threads.filter({ hasText: 'Should this go?' });
    await aliceThread.click();
    expect(await aliceThread.getByTestId('comment-edit').count()).toBe(0);
    expect(await aliceThread.getByTestId('comment-delete').count()).toBe(0);
    await erinThread.click();
    await erinThread.getByTestId('comment-edit').click();
    await erinThread.getByTestId('comment-edit-input').fill('From my phone, edited');
    await erinThread.getByTestId('comment-edit-input-submit').click();
    await expect
      .poll(() => aliceComments.page.getByTestId('comment-body').allTextContents(), { timeout: SETTLE_MS })
      .toContain('From my phone, edited');

    // Bob deletes the sentence Alice commented on: her thread stays, detached, with its quote.
    const bob = await world.person('Bob');
    await bob.open(doc.editUrl);
    const bobComments = new CommentsPanel(bob.page);
    // Bob's editor must hold the text and accept typing before he selects and deletes.
    await converged([alice, bob, erin], (t) => t.includes('vanish'));
    await expect.poll(() => bob.editor.getAttribute('contenteditable'), { timeout: SETTLE_MS }).toBe('true');
    await bob.waitSaved();
    // ProseMirror takes a DOM selection on the next selectionchange; a key pressed before that goes to its
    // old selection. Select, delete, and look: again if the sentence is still there.
    for (let attempt = 0; attempt < 3 && (await bob.text()).includes('vanish'); attempt++) {
      await bobComments.select('This sentence will vanish.');
      await bob.page.waitForTimeout(100);
      await bob.page.keyboard.press('Backspace');
      await expect.poll(() => bob.text(), { timeout: 2000 }).not.toContain('vanish').catch(() => undefined);
    }
    await converged([alice, bob, erin], (t) => !t.includes('vanish'));
    const detached = alice.page.locator('[data-testid="comment-thread"][data-detached="true"]');
    await detached.waitFor({ timeout: SETTLE_MS });
    expect(await detached.getByTestId('thread-quote').textContent()).toBe('Text deleted: will vanish');
    await expect.poll(async () => Object.values(await aliceComments.highlights()), { timeout: SETTLE_MS }).toEqual(['Last words']);
    expect((await serverThreads(doc.id, doc.viewUrl)).map((t) => [t.quote, t.detached])).toEqual([
      ['Last words', false],
      ['will vanish', true],
    ]);

    // The panel beside the text passes axe too, and works from the keyboard: the comments button closes
    // and reopens it, focus lands on its heading, Tab reaches the threads (and opens the one it reaches).
    await expectAccessible(alice.page, ['[data-testid="comments-panel"]']);
    await aliceComments.button.focus();
    await alice.page.keyboard.press('Enter');
    await aliceComments.panel.waitFor({ state: 'detached' });
    await alice.page.keyboard.press('Enter');
    await aliceComments.panel.waitFor();
    expect(await alice.page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Comments/);
    await alice.page.keyboard.press('Tab'); // the close button
    expect(await alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('comments-close');
    await alice.page.keyboard.press('Tab');
    const focused = alice.page.locator('[data-testid="comment-thread"]:focus');
    await focused.waitFor();
    expect(await focused.getAttribute('data-active')).toBe('true');

    // Erin deletes her comment; her thread goes with it.
    await erinThread.getByTestId('comment-delete').click();
    await erinThread.getByTestId('comment-delete-confirm').click();
    await aliceComments.waitThreads(1);
    // Her focus did not fall back to the page: it is in the sheet still.
    await expect
      .poll(() => erin.page.evaluate(() => document.activeElement?.closest('[data-testid="comments-panel"]') !== null), { timeout: SETTLE_MS })
      .toBe(true);
    expect((await serverThreads(doc.id, doc.viewUrl)).map((t) => t.quote)).toEqual(['will vanish']);
    expect(await erinComments.socketCloses()).toEqual([]);
    expect(await refusedUpdates()).toBe(0);
  });

  it('a comment link writes nothing on opening, even text its editor would repair; the share dialog has three links and reset replaces all three', async () => {
    const doc = await world.createDoc({ title: 'Fresh' });
    // A program with the edit link wrote a list item outside any list: an editor shows it as a bulleted
    // list, and an editable one writes that repair back. Nobody has opened the document in a browser yet.
    await writeAsProgram(world.app.url, doc.id, doc.editUrl.split('#token=')[1]!, (ydoc) => {
      const item = new Y.XmlElement('listItem');
      ydoc.getXmlFragment('default').insert(0, [item]);
      const paragraph = new Y.XmlElement('paragraph');
      item.insert(0, [paragraph]);
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      text.insert(0, 'Loose item');
    });
    // Carol is first in, with a comment link; she tries to type, too.
    const carol = await world.person('Carol');
    await recordSocketCloses(carol.person.context);
    await carol.open(doc.commentUrl);
    const carolComments = new CommentsPanel(carol.page);
    await expect.poll(() => carol.text(), { timeout: SETTLE_MS }).toContain('Loose item');
    await carol.editor.click();
    await carol.page.keyboard.type('nothing');
    const alice = await world.person('Alice');
    await alice.open(doc.editUrl);
    await alice.focusEnd();
    await alice.type('Now there is text.');
    await converged([alice, carol], (t) => t.endsWith('Now there is text.') && t.includes('Loose item'));
    // Whatever Carol's page holds, the server has (nothing of hers is waiting), and her socket never closed.
    await carol.waitSaved();
    expect(await carolComments.socketCloses()).toEqual([]);
    expect(await carol.status.getAttribute('data-connection')).toBe('connected');
    expect(await refusedUpdates()).toBe(0);

    // Three links, one per kind of access, each for this document.
    await alice.page.getByTestId('share-button').click();
    const link = (id: string) => alice.page.getByTestId(id);
    await expect.poll(() => link('comment-link').inputValue(), { timeout: SETTLE_MS }).toMatch(new RegExp(`/d/${doc.id}#token=`));
    const before = { edit: await link('edit-link').inputValue(), comment: await link('comment-link').inputValue(), view: await link('view-link').inputValue() };
    const scopeOf = (url: string) => JSON.parse(Buffer.from(url.split('#token=')[1]!.split('.')[1]!, 'base64url').toString()).scope;
    expect([scopeOf(before.edit), scopeOf(before.comment), scopeOf(before.view)]).toEqual(['edit', 'comment', 'view']);

    // Reset replaces all three; Carol's open comment link stops working at once.
    await alice.page.getByTestId('reset-links').click();
    await alice.page.getByTestId('confirm-reset').click();
    await alice.page.getByTestId('reset-done').waitFor({ timeout: SETTLE_MS });
    for (const [id, old] of [['edit-link', before.edit], ['comment-link', before.comment], ['view-link', before.view]] as const) {
      await expect.poll(() => link(id).inputValue(), { timeout: SETTLE_MS }).not.toBe(old);
    }
    const fresh = await link('comment-link').inputValue();
    const problem = carol.page.getByTestId('error-page');
    await problem.waitFor({ timeout: SETTLE_MS });
    expect(await problem.getAttribute('data-problem')).toBe('revoked-link');

    // The new comment link works, as a comment link.
    const dana = await world.person('Dana');
    await dana.open(fresh);
    await dana.page.getByTestId('comment-badge').waitFor();
    expect(await dana.editor.getAttribute('contenteditable')).toBe('false');
  });
});
