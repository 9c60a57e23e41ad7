/**
 * [IM6] Property: whatever document (as the Markdown export writes it) is PUT, the export gives it back —
 * each run writes over the previous run's document, so the minimal change is computed between two
 * unrelated documents every time, with a person connected who must end up with the same document.
 */
import type { JSONContent } from '@tiptap/core';
import { CONTENT_FRAGMENT } from '@tandem/common';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportDoc } from '../../src/export/export-doc.js';
import {
  bold, bulletList, code, codeBlock, doc, heading, italic, listItem, orderedList, paragraph, table, taskItem, taskList, td, text, th, tr, ydocFrom,
} from '../export/fixtures.js';
import { join, type Person } from '../history/support.js';
import { createDoc, startTestServer, waitFor, type TestServer } from '../support/harness.js';
import { exported, request } from './support.js';

let server: TestServer;
let target: Awaited<ReturnType<typeof createDoc>>;
let alice: Person;
beforeAll(async () => {
  server = await startTestServer();
  target = await createDoc(server.url);
  alice = await join(server, target.id, target.editToken, 'Alice', '#123456');
});
afterAll(async () => {
  alice.destroy();
  await server.dispose();
});

const word = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));
const run = fc.tuple(words, fc.constantFrom([], [bold], [italic], [code])).map(([value, marks]) => text(value, ...marks));
/** Runs separated by plain spaces, so marks never touch (Markdown cannot say where one ends and the next starts). */
const inline = fc.array(run, { minLength: 1, maxLength: 3 }).map((runs) => runs.flatMap((r, i) => (i ? [text(' '), r] : [r])));
const para = inline.map((content) => paragraph(...content));
const block: fc.Arbitrary<JSONContent> = fc.oneof(
  { weight: 4, arbitrary: para },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), words).map(([level, t]) => heading(level, text(t))) },
  { weight: 1, arbitrary: fc.array(para, { minLength: 1, maxLength: 3 }).map((ps) => bulletList(...ps.map((p) => listItem(p)))) },
  { weight: 1, arbitrary: fc.array(para, { minLength: 1, maxLength: 3 }).map((ps) => orderedList(...ps.map((p) => listItem(p)))) },
  { weight: 1, arbitrary: fc.array(fc.tuple(fc.boolean(), para), { minLength: 1, maxLength: 3 }).map((items) => taskList(...items.map(([done, p]) => taskItem(done, p)))) },
  { weight: 1, arbitrary: fc.tuple(words, words, words, words).map(([a, b, c, d]) => table(tr(th({}, paragraph(text(a))), th({}, paragraph(text(b)))), tr(td({}, paragraph(text(c))), td({}, paragraph(text(d)))))) },
  { weight: 1, arbitrary: words.map((source) => codeBlock('js', source)) },
);
const LISTS = new Set(['bulletList', 'orderedList', 'taskList']);
/**
 * Markdown has no way to write two lists one right after the other (CommonMark reads them as one list, or
 * a bullet list and a task list as one mixed list), so generated documents put something between them.
 */
const documents = fc
  .array(block, { minLength: 1, maxLength: 8 })
  .filter((blocks) => blocks.every((b, i) => i === 0 || !(LISTS.has(b.type!) && LISTS.has(blocks[i - 1]!.type!))));

it('[IM6] PUT then export returns the content, and a connected person holds the same document', async () => {
  await fc.assert(
    fc.asyncProperty(documents, async (blocks) => {
      const markdown = exportDoc(ydocFrom(doc(...blocks)), 'markdown').body;
      const res = await request(server, 'PUT', `/api/docs/${target.id}/content`, { token: target.editToken, json: { content: markdown, format: 'markdown' } });
      expect(res.status).toBe(200);
      expect(await exported(server, target.id, target.viewToken, 'markdown')).toBe(markdown);
      const json = await exported(server, target.id, target.viewToken, 'json');
      const expected = ydocFrom(JSON.parse(json).content).getXmlFragment('default').toString();
      await waitFor(() => alice.doc.getXmlFragment(CONTENT_FRAGMENT).toString() === expected, 'Alice holds the written document');
    }),
    { numRuns: 40 },
  );
});
