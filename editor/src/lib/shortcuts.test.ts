import { describe, expect, test } from 'vitest';
import { SHORTCUTS, formatKeys, matchesKeys, shortcutKeys } from './shortcuts';

const key = (init: Partial<KeyboardEvent>) => ({ ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, key: '', code: '', ...init });

describe('formatKeys', () => {
  test('writes keys the way each platform does', () => {
    expect(formatKeys('Mod-Shift-s', true)).toBe('⌘⇧S');
    expect(formatKeys('Mod-Shift-s', false)).toBe('Ctrl+Shift+S');
    expect(formatKeys('Mod-Alt-1', false)).toBe('Ctrl+Alt+1');
    expect(formatKeys('Mod-,', false)).toBe('Ctrl+,');
    expect(formatKeys('Mod-/', true)).toBe('⌘/');
    expect(formatKeys('?', false)).toBe('?');
  });
});

describe('matchesKeys', () => {
  test('Mod is Ctrl elsewhere and ⌘ on a Mac, never both', () => {
    expect(matchesKeys(key({ ctrlKey: true, key: 'f', code: 'KeyF' }), 'Mod-f', false)).toBe(true);
    expect(matchesKeys(key({ metaKey: true, key: 'f', code: 'KeyF' }), 'Mod-f', true)).toBe(true);
    expect(matchesKeys(key({ metaKey: true, key: 'f', code: 'KeyF' }), 'Mod-f', false)).toBe(false);
    expect(matchesKeys(key({ ctrlKey: true, shiftKey: true, key: 'F', code: 'KeyF' }), 'Mod-f', false)).toBe(false);
    expect(matchesKeys(key({ key: 'f', code: 'KeyF' }), 'Mod-f', false)).toBe(false);
  });

  test('? by the character typed (Shift included), Mod-/ by its key', () => {
    expect(matchesKeys(key({ shiftKey: true, key: '?', code: 'Slash' }), '?', false)).toBe(true);
    expect(matchesKeys(key({ ctrlKey: true, key: '/', code: 'Slash' }), 'Mod-/', false)).toBe(true);
    expect(matchesKeys(key({ key: '/', code: 'Slash' }), '?', false)).toBe(false);
  });
});

describe('SHORTCUTS', () => {
  test('the bindings Tandem makes itself are read from the list', () => {
    expect(shortcutKeys('find')).toEqual(['Mod-f']);
    expect(shortcutKeys('help')).toEqual(['?', 'Mod-/']);
  });

  test('no key combination is listed twice', () => {
    const all = SHORTCUTS.flatMap((s) => (s.keys.length === 2 && s.action.includes(' to ') ? [s.keys[0]] : s.keys));
    expect(new Set(all).size).toBe(all.length);
  });
});
