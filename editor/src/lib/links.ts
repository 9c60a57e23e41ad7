/**
 * Where the page is and what a share link says.
 *
 * Share links look like `<origin>/d/<id>#token=<token>`. The token lives in the fragment so it is never
 * sent to the server in the request line, never logged by proxies and never leaks via `Referer`.
 */

import { isValidDocId } from '@tandem/common';

export type Route =
  | { kind: 'start' }
  | { kind: 'doc'; id: string; token: string | null }
  | { kind: 'not-found' };

/** Reads `token` from a fragment such as `#token=abc` (other fragment parameters are ignored). */
export function tokenFromHash(hash: string): string | null {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return null;
  const token = new URLSearchParams(raw).get('token');
  return token === null || token.trim() === '' ? null : token.trim();
}

export function parseRoute(pathname: string, hash: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { kind: 'start' };
  const match = /^\/d\/([^/]+)$/.exec(path);
  if (!match?.[1]) return { kind: 'not-found' };
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return { kind: 'not-found' };
  }
  // The shape the server accepts (`@tandem/common`); anything else cannot be a document.
  if (!isValidDocId(id)) return { kind: 'not-found' };
  return { kind: 'doc', id, token: tokenFromHash(hash) };
}

/** The path + fragment of a document link (no origin), e.g. for `history.pushState`. */
export function docHref(id: string, token: string): string {
  return `/d/${encodeURIComponent(id)}#token=${encodeURIComponent(token)}`;
}

/** A full share link for this origin. Built locally so links match the address people reached us at. */
export function shareUrl(origin: string, id: string, token: string): string {
  return origin.replace(/\/+$/, '') + docHref(id, token);
}

/**
 * Understands a link someone pasted into the start page: a full URL, a URL without scheme, or just the
 * `/d/<id>#token=…` part. Returns null when it is not a document link.
 */
export function parseShareLink(input: string, baseOrigin: string): { id: string; token: string | null } | null {
  const text = input.trim();
  if (text === '') return null;
  let url: URL;
  try {
    url = new URL(text, baseOrigin);
  } catch {
    return null;
  }
  // "example.com/d/…" parses as a relative path; retry with a scheme so the host is not taken as a path.
  if (!url.pathname.startsWith('/d/') && !/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    try {
      url = new URL(`https://${text}`);
    } catch {
      return null;
    }
  }
  const route = parseRoute(url.pathname, url.hash);
  return route.kind === 'doc' ? { id: route.id, token: route.token } : null;
}
