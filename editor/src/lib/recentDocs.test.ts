import { describe, expect, it } from 'vitest';
import { RECENT_KEY, RECENT_LIMIT, findRecent, loadRecent, recordVisit, removeRecent, updateRecent } from './recentDocs';
import { memoryStore } from './testStore';

describe('recent documents', () => {
  it('starts empty and records visits newest first', () => {
    const store = memoryStore();
    expect(loadRecent(store)).toEqual([]);
    recordVisit(store, { id: 'doc-aaaaaaaa', token: 't1', scope: 'edit', title: 'First' }, 1000);
    recordVisit(store, { id: 'doc-bbbbbbbb', token: 't2', scope: 'view' }, 2000);
    expect(loadRecent(store).map((d) => [d.id, d.title, d.scope, d.lastOpened])).toEqual([
      ['doc-bbbbbbbb', '', 'view', 2000],
      ['doc-aaaaaaaa', 'First', 'edit', 1000],
    ]);
  });

  it('revisiting moves a document to the top, keeps its title, and takes the new token', () => {
    const store = memoryStore();
    recordVisit(store, { id: 'a', token: 'old', scope: 'edit', title: 'Plan' }, 1);
    recordVisit(store, { id: 'b', token: 'x', scope: 'edit' }, 2);
    recordVisit(store, { id: 'a', token: 'view-token', scope: 'view' }, 3);
    const [top, ...rest] = loadRecent(store);
    expect(top).toEqual({ id: 'a', token: 'view-token', scope: 'view', title: 'Plan', lastOpened: 3 });
    expect(rest.map((d) => d.id)).toEqual(['b']);
  });

  it('updates title/token in place without reordering', () => {
    const store = memoryStore();
    recordVisit(store, { id: 'a', token: 't', scope: 'edit' }, 1);
    recordVisit(store, { id: 'b', token: 't', scope: 'edit' }, 2);
    updateRecent(store, 'a', { title: 'Renamed', token: 'rotated' });
    expect(loadRecent(store).map((d) => [d.id, d.title, d.token])).toEqual([
      ['b', '', 't'],
      ['a', 'Renamed', 'rotated'],
    ]);
    expect(updateRecent(store, 'missing', { title: 'x' })).toHaveLength(2);
  });

  it('removes and finds entries', () => {
    const store = memoryStore();
    recordVisit(store, { id: 'a', token: 't', scope: 'edit' }, 1);
    expect(findRecent(store, 'a')?.token).toBe('t');
    removeRecent(store, 'a');
    expect(findRecent(store, 'a')).toBeUndefined();
  });

  it(`keeps at most ${RECENT_LIMIT} documents`, () => {
    const store = memoryStore();
    for (let i = 0; i < RECENT_LIMIT + 5; i++) recordVisit(store, { id: `doc-${i}`, token: 't', scope: 'edit' }, i);
    const docs = loadRecent(store);
    expect(docs).toHaveLength(RECENT_LIMIT);
    expect(docs[0]?.id).toBe(`doc-${RECENT_LIMIT + 4}`);
  });

  it('survives corrupt storage and drops malformed or duplicate entries', () => {
    expect(loadRecent(memoryStore({ [RECENT_KEY]: '{not json' }))).toEqual([]);
    expect(loadRecent(memoryStore({ [RECENT_KEY]: '{"a":1}' }))).toEqual([]);
    const mixed = JSON.stringify([
      { id: 'ok', token: 't', scope: 'edit', title: 'A', lastOpened: 5 },
      { id: 'ok', token: 'dupe', scope: 'edit', title: 'B', lastOpened: 4 },
      { id: 'no-token', scope: 'edit', title: '', lastOpened: 3 },
      { id: 'bad-scope', token: 't', scope: 'admin', title: '', lastOpened: 2 },
      null,
      'string',
    ]);
    expect(loadRecent(memoryStore({ [RECENT_KEY]: mixed })).map((d) => d.token)).toEqual(['t']);
  });

  it('does not throw when storage refuses writes', () => {
    const store = memoryStore({}, { failWrites: true });
    expect(() => recordVisit(store, { id: 'a', token: 't', scope: 'edit' })).not.toThrow();
  });
});
