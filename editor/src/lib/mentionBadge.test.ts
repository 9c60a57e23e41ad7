import { describe, expect, it } from 'vitest';
import type { ThreadData } from './comments';
import { SEEN_LIMIT, loadSeen, saveSeen, unseenMentions } from './mentionBadge';
import { memoryStore } from './testStore';

const thread = (id: string, resolved: boolean, comments: [string, string, string][]): ThreadData => ({
  id,
  quote: '',
  from: null,
  to: null,
  resolved,
  client: 1,
  comments: comments.map(([cid, author, body]) => ({ id: cid, author, body, createdAt: 0, client: 1 })),
});

describe('mention badge', () => {
  it('counts comments by others that mention you, in open threads, until seen', () => {
    const threads = [
      thread('t1', false, [
        ['c1', 'Alice', '@Carol what do you think?'],
        ['c2', 'Carol', '@Carol talking to myself'],
        ['c3', 'Bob', 'no mention of anyone'],
      ]),
      thread('t2', true, [['c4', 'Alice', '@Carol resolved already']]),
      thread('t3', false, [['c5', 'Bob', 'cc @carol']]),
    ];
    expect(unseenMentions(threads, 'Carol', new Set())).toEqual(new Map([['t1', ['c1']], ['t3', ['c5']]]));
    expect(unseenMentions(threads, 'Carol', new Set(['c1']))).toEqual(new Map([['t3', ['c5']]]));
    expect(unseenMentions(threads, 'Dave', new Set()).size).toBe(0);
  });

  it('remembers what was seen per document, newest last, bounded, and survives junk', () => {
    const store = memoryStore();
    expect(loadSeen(store, 'doc')).toEqual([]);
    let seen = saveSeen(store, 'doc', [], ['a', 'b']);
    seen = saveSeen(store, 'doc', seen, ['a']);
    expect(loadSeen(store, 'doc')).toEqual(['b', 'a']);
    expect(loadSeen(store, 'other')).toEqual([]);
    const many = Array.from({ length: SEEN_LIMIT + 10 }, (_, i) => `id${i}`);
    saveSeen(store, 'doc', seen, many);
    expect(loadSeen(store, 'doc')).toHaveLength(SEEN_LIMIT);
    expect(loadSeen(store, 'doc').at(-1)).toBe(`id${SEEN_LIMIT + 9}`);
    store.setItem('tandem:mentions-seen:bad', '{not json');
    expect(loadSeen(store, 'bad')).toEqual([]);
    store.setItem('tandem:mentions-seen:odd', JSON.stringify(['x', 3, null]));
    expect(loadSeen(store, 'odd')).toEqual(['x']);
  });
});
