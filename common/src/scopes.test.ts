import { describe, expect, it } from 'vitest';
import { SCOPES, isScope, scopeAllows } from './scopes.js';

describe('scopes', () => {
  it('are view, comment and edit, weakest first', () => {
    expect(SCOPES).toEqual(['view', 'comment', 'edit']);
  });

  it('a scope implies every weaker one and no stronger one', () => {
    expect(scopeAllows('edit', 'edit')).toBe(true);
    expect(scopeAllows('edit', 'comment')).toBe(true);
    expect(scopeAllows('edit', 'view')).toBe(true);
    expect(scopeAllows('comment', 'edit')).toBe(false);
    expect(scopeAllows('comment', 'comment')).toBe(true);
    expect(scopeAllows('comment', 'view')).toBe(true);
    expect(scopeAllows('view', 'view')).toBe(true);
    expect(scopeAllows('view', 'comment')).toBe(false);
    expect(scopeAllows('view', 'edit')).toBe(false);
  });

  it('isScope knows exactly the listed scopes', () => {
    for (const scope of SCOPES) expect(isScope(scope)).toBe(true);
    for (const value of ['owner', 'Edit', '', null, undefined, 1, {}]) expect(isScope(value)).toBe(false);
  });
});
