import { describe, expect, it } from 'vitest';
import { COLOR_NAMES, IDENTITY_KEY, PALETTE, cleanName, initials, isHexColor, loadIdentity, randomIdentity, saveIdentity } from './identity';
import { memoryStore } from './testStore';

describe('identity', () => {
  it('mints a friendly random name and palette colour, and remembers it', () => {
    const store = memoryStore();
    const first = loadIdentity(store, () => 0);
    expect(first).toEqual({ name: 'Calm Otter', color: PALETTE[0] });
    expect(loadIdentity(store, () => 0.99)).toEqual(first);
  });

  it('keeps a saved identity and replaces a corrupt one', () => {
    const store = memoryStore();
    saveIdentity(store, { name: 'Ada', color: '#123abc' });
    expect(loadIdentity(store)).toEqual({ name: 'Ada', color: '#123abc' });
    const bad = memoryStore({ [IDENTITY_KEY]: '{"name":"","color":"blue"}' });
    expect(isHexColor(loadIdentity(bad).color)).toBe(true);
    expect(loadIdentity(memoryStore({ [IDENTITY_KEY]: 'nope' })).name).not.toBe('');
  });

  it('cleans names and derives initials', () => {
    expect(cleanName('  Ada   King \n Lovelace ')).toBe('Ada King Lovelace');
    expect(cleanName('x'.repeat(99))).toHaveLength(40);
    expect(initials('Ada King Lovelace')).toBe('AL');
    expect(initials('ada')).toBe('A');
    expect(initials('  ')).toBe('?');
    expect(initials('Émile Zola')).toBe('ÉZ');
  });

  it('random identities always use palette colours, each of which has a name', () => {
    for (let i = 0; i < 20; i++) expect(PALETTE).toContain(randomIdentity().color);
    for (const color of PALETTE) expect(COLOR_NAMES[color]).toBeTruthy();
  });
});
