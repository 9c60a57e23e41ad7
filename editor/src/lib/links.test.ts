import { describe, expect, it } from 'vitest';
import { docHref, parseRoute, parseShareLink, shareUrl, tokenFromHash } from './links';

const ID = 'ctyUzoinpfRpPnSrsg5LLw';

describe('tokenFromHash', () => {
  it('reads the token from the fragment', () => {
    expect(tokenFromHash('#token=abc.def-ghi')).toBe('abc.def-ghi');
  });
  it('ignores other fragment parameters and decodes', () => {
    expect(tokenFromHash('#x=1&token=a%2Bb&y=2')).toBe('a+b');
  });
  it('returns null for an empty or missing token', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('#heading-2')).toBeNull();
  });
});

describe('parseRoute', () => {
  it('maps / (with or without trailing slash) to the start page', () => {
    expect(parseRoute('/', '')).toEqual({ kind: 'start' });
    expect(parseRoute('', '')).toEqual({ kind: 'start' });
  });
  it('maps /d/:id#token= to a document with its token', () => {
    expect(parseRoute(`/d/${ID}`, '#token=t0k')).toEqual({ kind: 'doc', id: ID, token: 't0k' });
    expect(parseRoute(`/d/${ID}/`, '')).toEqual({ kind: 'doc', id: ID, token: null });
  });
  it('rejects ids the server could never have minted', () => {
    expect(parseRoute('/d/short', '')).toEqual({ kind: 'not-found' });
    expect(parseRoute('/d/has.dots.in.it.', '')).toEqual({ kind: 'not-found' });
    expect(parseRoute('/d/%E0%A4%A', '')).toEqual({ kind: 'not-found' });
    expect(parseRoute(`/d/${ID}/extra`, '')).toEqual({ kind: 'not-found' });
    expect(parseRoute('/settings', '')).toEqual({ kind: 'not-found' });
  });
});

describe('share links', () => {
  it('round-trips through docHref/shareUrl and parseShareLink', () => {
    const url = shareUrl('https://docs.example.org/', ID, 'a.b-c_d');
    expect(url).toBe(`https://docs.example.org/d/${ID}#token=a.b-c_d`);
    expect(parseShareLink(url, 'http://localhost')).toEqual({ id: ID, token: 'a.b-c_d' });
    expect(docHref(ID, 'x y')).toBe(`/d/${ID}#token=x%20y`);
  });
  it('accepts a link without scheme and a bare path', () => {
    expect(parseShareLink(`docs.example.org/d/${ID}#token=t`, 'http://localhost')).toEqual({ id: ID, token: 't' });
    expect(parseShareLink(`  /d/${ID}#token=t  `, 'http://localhost')).toEqual({ id: ID, token: 't' });
  });
  it('reports a missing token but still recognises the document', () => {
    expect(parseShareLink(`https://x.org/d/${ID}`, 'http://localhost')).toEqual({ id: ID, token: null });
  });
  it('returns null for things that are not document links', () => {
    expect(parseShareLink('', 'http://localhost')).toBeNull();
    expect(parseShareLink('hello world', 'http://localhost')).toBeNull();
    expect(parseShareLink('https://example.org/', 'http://localhost')).toBeNull();
  });
});
