import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { problemFromApiError, problemFromCloseCode } from './errors';

describe('problemFromApiError', () => {
  it.each([
    [401, 'token_missing', 'no-token'],
    [401, 'token_invalid', 'invalid-link'],
    [401, 'token_expired', 'expired-link'],
    [401, 'token_revoked', 'revoked-link'],
    [403, 'wrong_document', 'wrong-document'],
    [403, 'forbidden', 'forbidden'],
    [404, 'unknown_document', 'unknown-document'],
    [401, 'sign_in_required', 'sign-in-required'],
    [401, 'signed_out', 'sign-in-required'],
  ])('%i %s → %s', (status, code, kind) => {
    expect(problemFromApiError(new ApiError(status, code, 'x')).kind).toBe(kind);
  });

  it('says "no longer valid" for revoked links', () => {
    expect(problemFromApiError(new ApiError(401, 'token_revoked', '')).title).toBe('This link is no longer valid');
  });

  it('falls back on the status for unknown codes', () => {
    expect(problemFromApiError(new ApiError(401, 'weird', '')).kind).toBe('invalid-link');
    expect(problemFromApiError(new ApiError(404, 'http_404', '')).kind).toBe('unknown-document');
    expect(problemFromApiError(new ApiError(429, 'rate', '')).kind).toBe('busy');
    expect(problemFromApiError(new ApiError(500, 'boom', '')).kind).toBe('server-down');
  });

  it('treats network failures and gateway errors as "server down" (retryable)', () => {
    for (const status of [0, 502, 503, 504]) {
      const p = problemFromApiError(new ApiError(status, 'x', ''));
      expect(p.kind).toBe('server-down');
      expect(p.retryable).toBe(true);
    }
    expect(problemFromApiError(new Error('?')).kind).toBe('unexpected');
  });
});

describe('problemFromCloseCode', () => {
  it('maps the server close codes', () => {
    expect(problemFromCloseCode(4401).kind).toBe('invalid-link');
    expect(problemFromCloseCode(4403).kind).toBe('forbidden');
    expect(problemFromCloseCode(4404).kind).toBe('deleted-document');
    expect(problemFromCloseCode(4404).title).toBe('This document was deleted');
    expect(problemFromCloseCode(4404).retryable).toBe(false);
    expect(problemFromCloseCode(1013).kind).toBe('busy');
    expect(problemFromCloseCode(1234).kind).toBe('unexpected');
  });
});
