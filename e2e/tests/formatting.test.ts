import { describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../support/doc-page.js';
import { useWorld } from '../support/fixture.js';

const world = useWorld();

describe('formatting and structure', () => {
  it('4. headings, lists, bold, links and code blocks typed by Alice appear identically for Bob and in Markdown', async () => {
    const { doc, alice, bob } = await world.aliceAndBob();
    const kb = alice.page.keyboard;
    await alice.focusEnd();
    // Markdown-style input rules and shortcuts, as people type them.
    await alice.type('# Plan');
    await kb.press('Enter');
    await alice.type('Ship it ');
    await kb.press('Control+b');
    await alice.type('today');
    await kb.press('Control+b');
    await alice.type(' and read ');
    await kb.press('Enter');
    await alice.type('- first');
    await kb.press('Enter');
    await alice.type('second');
    await kb.press('Enter');
    await kb.press('Enter');
    await alice.type('```');
    await kb.press('Enter');
    await alice.type('const x = 1;');
    // Leave the code block, then make a link from the toolbar on a selected word.
    await kb.press('Control+End');
    await kb.press('Enter');
    await kb.press('Enter');
    await kb.press('Enter');
    await alice.type('the docs');
    await kb.press('Shift+Home');
    await alice.page.getByTestId('tb-link').click();
    await alice.page.getByTestId('link-input').fill('https://example.com/docs');
    await alice.page.getByTestId('link-apply').click();

    await expect
      .poll(async () => (await bob.contentHtml()) === (await alice.contentHtml()), { timeout: SETTLE_MS })
      .toBe(true);
    const html = await bob.contentHtml();
    expect(html).toContain('<h1>Plan</h1>');
    expect(html).toMatch(/<strong>today<\/strong>/);
    expect(html).toMatch(/<ul[^>]*>.*first.*second.*<\/ul>/s);
    expect(html).toMatch(/<pre[^>]*><code[^>]*>const x = 1;<\/code><\/pre>/);
    expect(html).toMatch(/<a [^>]*href="https:\/\/example.com\/docs"[^>]*>the docs<\/a>/);
    await alice.waitSaved();

    const token = doc.editUrl.split('#token=')[1]!;
    const res = await fetch(`${world.app.url}/api/docs/${doc.id}/export?format=markdown`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const md = await res.text();
    expect(md).toContain('# Plan');
    expect(md).toContain('Ship it **today**');
    expect(md).toMatch(/- first\n- second/);
    expect(md).toMatch(/```\nconst x = 1;\n```/);
    expect(md).toContain('[the docs](https://example.com/docs)');
  });
});
