import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidDocId } from './ids.js';

describe('isValidDocId', () => {
  it('accepts the ids the server mints (16 random bytes, base64url)', () => {
    for (let i = 0; i < 100; i++) expect(isValidDocId(randomBytes(16).toString('base64url'))).toBe(true);
    expect(isValidDocId('AbCd_-09xyzAbCd_-09xy')).toBe(true);
  });

  it('accepts 8 to 64 characters, nothing shorter or longer', () => {
    expect(isValidDocId('a'.repeat(8))).toBe(true);
    expect(isValidDocId('a'.repeat(64))).toBe(true);
    expect(isValidDocId('a'.repeat(7))).toBe(false);
    expect(isValidDocId('a'.repeat(65))).toBe(false);
    expect(isValidDocId('')).toBe(false);
  });

  it('refuses anything that could be a path, a query or an encoding trick', () => {
    for (const id of ['../../etc', 'abcdefgh/', 'abcd.efgh', 'abcdefgh%2F', 'abcd efgh', 'abcdefgh\n', 'abcdéfgh', 'abcdefgh?x=1']) {
      expect(isValidDocId(id)).toBe(false);
    }
  });
});
