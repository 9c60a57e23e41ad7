import { describe, expect, it } from 'vitest';
import { renderCaret, renderSelection } from './caret';

describe('collaborator carets', () => {
  it('puts the name in an attribute (never in the document text) with the person’s colour', () => {
    const caret = renderCaret({ name: 'Ada <b>', color: '#2563eb', role: 'editor' });
    expect(caret.dataset.name).toBe('Ada <b>');
    expect(caret.textContent).toBe('');
    expect(caret.children).toHaveLength(0);
    expect(caret.style.getPropertyValue('--caret-color')).toBe('#2563eb');
  });
  it('marks viewers and falls back for missing names', () => {
    expect(renderCaret({ name: 'Vic', color: '#059669', role: 'viewer' }).dataset.name).toBe('Vic (viewing)');
    expect(renderCaret({ color: '#059669' }).dataset.name).toBe('Anonymous');
  });
  it('tints selections with a translucent version of the colour, and ignores bad colours', () => {
    expect(renderSelection({ color: '#2563eb' }).style).toBe('background-color: #2563eb38');
    expect(renderSelection({ color: 'transparent' })).toEqual({});
  });
});
