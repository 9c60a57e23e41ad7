/**
 * [HI5] Restore as a forward change, under random histories: random edits by two stock clients (typing,
 * new paragraphs, deletions, wipes, title edits), versions named along the way, and restores of random
 * earlier versions — some while a client keeps typing. After each restore every peer converges, and the
 * content equals the version's except for the text typed after the restore began (digits, which the
 * letters-only edits never produce).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDoc, startTestServer, waitFor, type TestServer } from '../support/harness.js';
import { addParagraph, api, join, typeInto, wipe, type Person } from './support.js';

type Cmd =
  | { k: 'type'; c: number; p: number; at: number; text: string }
  | { k: 'paragraph'; c: number; text: string }
  | { k: 'delete'; c: number; p: number; at: number; len: number }
  | { k: 'drop'; c: number; p: number }
  | { k: 'wipe'; c: number }
  | { k: 'title'; c: number; text: string }
  | { k: 'version' }
  | { k: 'restore'; pick: number; typing: boolean };

const who = fc.nat(1);
const word = fc.stringMatching(/^[a-z]{1,6}$/);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('type' as const), c: who, p: fc.nat(20), at: fc.nat(50), text: word }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('paragraph' as const), c: who, text: word }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), c: who, p: fc.nat(20), at: fc.nat(50), len: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), c: who, p: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('wipe' as const), c: who }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('title' as const), c: who, text: word }) },
  { weight: 2, arbitrary: fc.constant({ k: 'version' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('restore' as const), pick: fc.nat(20), typing: fc.boolean() }) },
);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ HISTORY_IDLE_MS: '100000' });
});
afterAll(async () => {
  await server.dispose();
});

const state = (p: Person) => JSON.stringify({ title: p.title(), paragraphs: p.paragraphs() });
/** An export's title and paragraph texts, without the digits typed while a restore ran. */
function essence(exported: string): string {
  const { title, content } = JSON.parse(exported) as { title: string; content: { content?: { content?: { text?: string }[] }[] } };
  const paragraphs = (content.content ?? []).map((block) => (block.content ?? []).map((n) => n.text ?? '').join('').replace(/[0-9]/g, ''));
  return JSON.stringify({ title, paragraphs });
}

function apply(person: Person, c: Cmd): void {
  const fragment = person.doc.getXmlFragment('default');
  const count = fragment.length;
  switch (c.k) {
    case 'type': {
      if (count === 0) return addParagraph(person.doc, c.text);
      const p = c.p % count;
      const length = (fragment.get(p) as Y.XmlElement).toArray().reduce((n, t) => n + (t instanceof Y.XmlText ? t.length : 0), 0);
      return typeInto(person.doc, p, c.at % (length + 1), c.text);
    }
    case 'paragraph':
      return addParagraph(person.doc, c.text);
    case 'delete': {
      if (count === 0) return;
      const node = (fragment.get(c.p % count) as Y.XmlElement).get(0);
      if (!(node instanceof Y.XmlText) || node.length === 0) return;
      const at = c.at % node.length;
      return node.delete(at, Math.min(c.len, node.length - at));
    }
    case 'drop':
      if (count > 1) fragment.delete(c.p % count, 1);
      return;
    case 'wipe':
      return wipe(person.doc);
    case 'title': {
      const title = person.doc.getText('title');
      return person.doc.transact(() => {
        title.delete(0, title.length);
        title.insert(0, c.text);
      });
    }
    default:
  }
}

describe('restore under random histories [HI5]', () => {
  it('converges every peer on the version (plus only what was typed after the restore began)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 4, maxLength: 18 }), async (cmds) => {
        const doc = await createDoc(server.url, { title: 'T' });
        const people = [
          await join(server, doc.id, doc.editToken, 'Alice', '#aa0000'),
          await join(server, doc.id, doc.editToken, 'Bob', '#0000bb'),
        ];
        const edit = api(server, doc.editToken);
        const settle = (what: string) => waitFor(() => state(people[0]!) === state(people[1]!), what, 8000);
        const versions: { id: string; state: string }[] = [];
        try {
          for (const c of cmds) {
            if (c.k === 'version') {
              await settle('peers agree before a version');
              // What the server has is what both peers have once they agree and the server answered a request.
              await waitFor(async () => (await edit.get(`/${doc.id}/history/diff?from=now&to=now`)).status === 200, 'server reachable');
              const made = await edit.post(`/${doc.id}/versions`, { name: `v${versions.length}` });
              expect(made.status).toBe(201);
              const exported = await edit.get(`/${doc.id}/versions/${made.json.id}/export?format=json`);
              versions.push({ id: made.json.id, state: exported.text });
              continue;
            }
            if (c.k === 'restore') {
              const target = versions[c.pick % Math.max(1, versions.length)];
              if (!target) continue;
              await settle('peers agree before a restore');
              const restoring = edit.post(`/${doc.id}/versions/${target.id}/restore`);
              if (c.typing) typeInto(people[1]!.doc, 0, 0, '42');
              expect((await restoring).status).toBe(200);
              await settle('peers converge after the restore');
              const now = await edit.get(`/${doc.id}/export?format=json`);
              expect(essence(now.text)).toBe(essence(target.state));
              continue;
            }
            apply(people[c.c]!, c);
          }
          await settle('peers converge at the end');
        } finally {
          for (const p of people) p.destroy();
        }
      }),
      { numRuns: 25 },
    );
    // Every restore was exact through the undo machinery (which keeps unchanged text and its authors); the
    // wholesale replacement is only a safety net (tested in parts.test.ts).
    expect(server.logs.filter((l) => l.msg.includes('did not reproduce'))).toEqual([]);
  }, 120_000);
});
