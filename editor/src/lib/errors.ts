import { CloseCode } from '@tandem/common';
import { ApiError } from './api';

/**
 * Turns what went wrong (an API error, a socket close code, a bad URL) into words a person can act on.
 * Kept pure so every mapping is unit-tested; the error page only renders the result.
 */

export type ProblemKind =
  | 'no-token'
  | 'invalid-link'
  | 'expired-link'
  | 'revoked-link'
  | 'wrong-document'
  | 'forbidden'
  | 'unknown-document'
  | 'deleted-document'
  | 'not-found'
  | 'server-down'
  | 'busy'
  | 'sign-in-required'
  | 'unexpected';

export interface Problem {
  kind: ProblemKind;
  title: string;
  message: string;
  /** Whether "Try again" can help (server down, overloaded). */
  retryable: boolean;
}

const PROBLEMS: Record<ProblemKind, Omit<Problem, 'kind'>> = {
  'no-token': {
    title: 'This link is incomplete',
    message: 'The link is missing its access key (the part after “#token=”). Ask the person who shared it to send the whole link again.',
    retryable: false,
  },
  'invalid-link': {
    title: 'This link isn’t valid',
    message: 'The access key in this link was not recognised. Check that you copied the whole link, or ask for a new one.',
    retryable: false,
  },
  'expired-link': {
    title: 'This link has expired',
    message: 'Ask someone who can edit the document to share a fresh link with you.',
    retryable: false,
  },
  'revoked-link': {
    title: 'This link is no longer valid',
    message: 'The document’s links were reset, so old links stopped working. Ask someone who can edit it for the new link.',
    retryable: false,
  },
  'wrong-document': {
    title: 'This link belongs to a different document',
    message: 'The access key does not match this document. Open the link exactly as it was shared with you.',
    retryable: false,
  },
  forbidden: {
    title: 'You don’t have access to this',
    message: 'Your link does not allow this action. Ask someone who can edit the document for an edit link.',
    retryable: false,
  },
  'unknown-document': {
    title: 'Document not found',
    message: 'There is no document at this address. It may have been deleted, or the link may be mistyped.',
    retryable: false,
  },
  'deleted-document': {
    title: 'This document was deleted',
    message: 'Someone with an edit link deleted it, for everyone: its text, comments and history are gone, and its links no longer open it.',
    retryable: false,
  },
  'not-found': {
    title: 'Page not found',
    message: 'There is nothing at this address. Document links look like …/d/<id>#token=…',
    retryable: false,
  },
  'server-down': {
    title: 'Can’t reach the Tandem server',
    message: 'The server is not responding. Check your connection; we will keep trying.',
    retryable: true,
  },
  busy: {
    title: 'The server is busy',
    message: 'Too many people are connected right now. Please try again in a moment.',
    retryable: true,
  },
  'sign-in-required': {
    title: 'Sign in to open this document',
    message: 'This server opens shared links only for people who are signed in.',
    retryable: false,
  },
  unexpected: {
    title: 'Something went wrong',
    message: 'The server answered in a way we did not expect. Try again, and if it keeps happening tell whoever runs this Tandem server.',
    retryable: true,
  },
};

export function problem(kind: ProblemKind): Problem {
  return { kind, ...PROBLEMS[kind] };
}

export function problemFromApiError(err: unknown): Problem {
  if (!(err instanceof ApiError)) return problem('unexpected');
  if (err.isNetwork) return problem('server-down');
  switch (err.code) {
    case 'token_missing':
      return problem('no-token');
    case 'token_invalid':
      return problem('invalid-link');
    case 'token_expired':
      return problem('expired-link');
    case 'token_revoked':
      return problem('revoked-link');
    case 'wrong_document':
      return problem('wrong-document');
    case 'forbidden':
      return problem('forbidden');
    case 'unknown_document':
      return problem('unknown-document');
    case 'sign_in_required':
    case 'signed_out':
      return problem('sign-in-required');
  }
  // Unknown codes: fall back on the status class.
  if (err.status === 401) return problem('invalid-link');
  if (err.status === 403) return problem('forbidden');
  if (err.status === 404) return problem('unknown-document');
  if (err.status === 400) return problem('invalid-link');
  if (err.status === 429) return problem('busy');
  return problem(err.status >= 500 ? 'server-down' : 'unexpected');
}

/**
 * For socket closes: 4404 (the document was deleted) is final and needs no asking; for the others, what a
 * fresh `GET /api/docs/:id` could not explain (it succeeded).
 */
export function problemFromCloseCode(code: number): Problem {
  switch (code) {
    case CloseCode.TokenRevoked:
      return problem('invalid-link');
    case CloseCode.ScopeRefused:
      return problem('forbidden');
    case CloseCode.DocumentDeleted:
      return problem('deleted-document');
    case CloseCode.TryAgainLater:
      return problem('busy');
    default:
      return problem('unexpected');
  }
}
