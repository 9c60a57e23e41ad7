import { describe, expect, it } from 'vitest';
import { SCOPES, isScope, scopeAllows } from './scopes.js';

describe('scopes', () => {
  it('are view and edit, weakest first', () => {
    expect(SCOPES).toEqual(['view', 'edit']);
  });

  it('edit implies view, view does not imply edit', () => {
    expect(scopeAllows('edit', 'edit')).toBe(true);
    expect(scopeAllows('edit', 'view')).toBe(true);
    expect(scopeAllows('view', 'view')).toBe(true);
    expect(scopeAllows('view', 'edit')).toBe(false);
  });

  it('isScope knows exactly the listed scopes', () => {
    for (const scope of SCOPES) expect(isScope(scope)).toBe(true);
    for (const value of ['owner', 'Edit', '', null, undefined, 1, {}]) expect(isScope(value)).toBe(false);
  });
});
