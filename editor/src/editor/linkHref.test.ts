import { describe, expect, it } from 'vitest';
import { normalizeHref } from './linkHref';

describe('normalizeHref', () => {
  it('keeps full web links and adds https:// to bare domains', () => {
    expect(normalizeHref('https://example.org/a?b#c')).toBe('https://example.org/a?b#c');
    expect(normalizeHref(' example.org/path ')).toBe('https://example.org/path');
    expect(normalizeHref('localhost:8080')).toBe('https://localhost:8080');
  });
  it('turns email addresses into mailto: and keeps tel:', () => {
    expect(normalizeHref('ada@example.org')).toBe('mailto:ada@example.org');
    expect(normalizeHref('tel:+441234')).toBe('tel:+441234');
    expect(normalizeHref('tel:0123')).toBe('tel:0123');
  });
  it('keeps in-page and same-site links', () => {
    expect(normalizeHref('#section')).toBe('#section');
    expect(normalizeHref('/d/abc')).toBe('/d/abc');
  });
  it('refuses script and data URLs, and things that are not addresses', () => {
    expect(normalizeHref('javascript:alert(1)')).toBeNull();
    expect(normalizeHref('JavaScript:alert(1)')).toBeNull();
    expect(normalizeHref('javascript:1')).toBeNull();
    expect(normalizeHref('data:text/html,<script>')).toBeNull();
    expect(normalizeHref('two words')).toBeNull();
    expect(normalizeHref('nodot')).toBeNull();
    expect(normalizeHref('')).toBeNull();
  });
});
