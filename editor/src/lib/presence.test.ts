import { describe, expect, it } from 'vitest';
import { derivePresence, summarizePresence } from './presence';

const states = (entries: Array<[number, unknown]>) => new Map(entries);

describe('derivePresence', () => {
  it('lists people with name, colour, role and initials, you first', () => {
    const people = derivePresence(
      states([
        [2, { user: { name: 'Zoe Viewer', color: '#059669', role: 'viewer' } }],
        [3, { user: { name: 'Bob', color: '#db2777', role: 'editor' } }],
        [1, { user: { name: 'Ada Lovelace', color: '#2563eb', role: 'editor' } }],
        [4, { user: { name: 'Alan', color: '#d97706', role: 'editor' } }],
      ]),
      2,
    );
    expect(people.map((p) => [p.name, p.isSelf, p.role])).toEqual([
      ['Zoe Viewer', true, 'viewer'],
      ['Ada Lovelace', false, 'editor'],
      ['Alan', false, 'editor'],
      ['Bob', false, 'editor'],
    ]);
    expect(people[0]?.initials).toBe('ZV');
  });

  it('skips clients that publish no user (tools, not people)', () => {
    const people = derivePresence(states([[1, {}], [2, null], [3, { cursor: {} }], [4, { user: 'x' }]]), 1);
    expect(people).toEqual([]);
  });

  it('treats awareness as untrusted: caps names, fixes colours, never guesses "editor"', () => {
    const [p] = derivePresence(
      states([[7, { user: { name: `  ${'x'.repeat(100)}  `, color: 'red; background: url(evil)', role: 'admin' } }]]),
      1,
    );
    expect(p?.name).toHaveLength(40);
    expect(p?.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(p?.role).toBe('viewer');
    const [anon] = derivePresence(states([[8, { user: { name: '   ', color: '#123456', role: 'editor' } }]]), 1);
    expect(anon?.name).toBe('Anonymous');
    expect(anon?.initials).toBe('A');
  });

  it('keeps two tabs of the same person as two entries in a stable order', () => {
    const user = { name: 'Sam', color: '#2563eb', role: 'editor' };
    const people = derivePresence(states([[20, { user }], [10, { user }]]), 99);
    expect(people.map((p) => p.clientId)).toEqual([10, 20]);
  });
});

describe('summarizePresence', () => {
  it('counts editors, commenters and viewers', () => {
    const people = derivePresence(
      states([
        [1, { user: { name: 'A', color: '#2563eb', role: 'editor' } }],
        [2, { user: { name: 'B', color: '#2563eb', role: 'editor' } }],
        [3, { user: { name: 'C', color: '#2563eb', role: 'viewer' } }],
      ]),
      1,
    );
    expect(summarizePresence(people)).toBe('2 editing, 1 viewing');
    const withCommenter = derivePresence(
      states([
        [1, { user: { name: 'A', color: '#2563eb', role: 'viewer' } }],
        [2, { user: { name: 'B', color: '#2563eb', role: 'commenter' } }],
        [3, { user: { name: 'C', color: '#2563eb', role: 'editor' } }],
      ]),
      9,
    );
    expect(withCommenter.map((p) => p.role)).toEqual(['editor', 'commenter', 'viewer']);
    expect(summarizePresence(withCommenter)).toBe('1 editing, 1 commenting, 1 viewing');
    expect(summarizePresence([])).toBe('Nobody here');
  });
});
