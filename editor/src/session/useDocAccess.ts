import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import { type Problem, problem, problemFromApiError } from '../lib/errors';
import { type RecentDoc, browserStore, findRecent, recordVisit } from '../lib/recentDocs';
import { personalToken, signInState } from '../lib/signIn';
import { DocAccess } from './docAccess';
import { takePrefetched } from './prefetch';

export type AccessPhase =
  | { kind: 'loading' }
  | { kind: 'ready'; access: DocAccess }
  /** `offlineCopy`: the server is unreachable but this browser opened the document before. */
  | { kind: 'error'; problem: Problem; offlineCopy: RecentDoc | null };

class TimeoutError extends Error {}

/** A stuck request must become the "server is down" page, not a spinner forever. */
const REQUEST_TIMEOUT_MS = 12_000;
const AUTO_RETRY_MS = 5_000;

/**
 * Asks the server about the document *before* opening any socket, so a bad, revoked or unknown link gets
 * its own clear page. The token comes from the link's fragment or, failing that (e.g. someone typed
 * `/d/<id>`), from the recent-documents list.
 */
export function useDocAccess(id: string, hashToken: string | null) {
  const [phase, setPhase] = useState<AccessPhase>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const current = useRef<DocAccess | null>(null);

  // The link's own token wins; a typed `/d/<id>` falls back on the recent list.
  const token = hashToken ?? tokenKeptForSignIn() ?? findRecent(browserStore(), id)?.token ?? null;

  useEffect(() => {
    if (!token) {
      setPhase({ kind: 'error', problem: problem('no-token'), offlineCopy: null });
      return;
    }
    // Already open with this token (e.g. the address bar now shows the token we rotated to).
    if (current.current?.token === token) return;
    const controller = new AbortController();
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TimeoutError());
      }, REQUEST_TIMEOUT_MS);
    });
    setPhase((p) => (p.kind === 'error' && p.problem.retryable ? p : { kind: 'loading' }));
    // Signed in (server/SPEC.md §ID6): open with a personal token, so the server shows and stamps our name.
    const request = signInState().then(async ({ me }) => {
      if (!me) return { info: await ((attempt === 0 && takePrefetched(id, token)) || api.getDoc(id, token, controller.signal)), socketToken: token };
      const personal = await personalToken(token);
      return { info: await api.getDoc(id, personal, controller.signal), socketToken: personal };
    });
    Promise.race([request, timedOut])
      .then(({ info, socketToken }) => {
        if (cancelled) return;
        sessionStorage.removeItem(SIGN_IN_HASH_KEY);
        const previous = findRecent(browserStore(), id);
        recordVisit(browserStore(), {
          id,
          token,
          scope: info.scope,
          // The live title (from the document itself) is fresher than the server's stored one.
          title: previous?.title || info.title,
        });
        const access = new DocAccess(id, socketToken, info);
        current.current = access;
        setPhase({ kind: 'ready', access });
      })
      .catch((err: unknown) => {
        if (cancelled) return; // unmounted or superseded
        const p = err instanceof TimeoutError ? problem('server-down') : problemFromApiError(err);
        const copy = p.kind === 'server-down' ? (findRecent(browserStore(), id) ?? null) : null;
        // With the device offline there is nobody to ask: open this device's copy straight away.
        if (copy && typeof navigator !== 'undefined' && navigator.onLine === false) {
          const access = offlineAccess(id, copy);
          current.current = access;
          setPhase({ kind: 'ready', access });
          return;
        }
        setPhase({ kind: 'error', problem: p, offlineCopy: copy });
      })
      .finally(() => clearTimeout(timer));
    return () => {
      cancelled = true;
      clearTimeout(timer);
      controller.abort();
    };
  }, [id, token, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  // While the server is down, keep trying quietly, and immediately when the network comes back.
  const serverDown = phase.kind === 'error' && phase.problem.retryable;
  useEffect(() => {
    if (!serverDown) return;
    const timer = setInterval(retry, AUTO_RETRY_MS);
    window.addEventListener('online', retry);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', retry);
    };
  }, [serverDown, retry]);

  /** Opens the IndexedDB copy without the server's blessing; the socket will confirm access later. */
  const openOfflineCopy = useCallback(
    (copy: RecentDoc) => {
      const access = offlineAccess(id, copy);
      current.current = access;
      setPhase({ kind: 'ready', access });
    },
    [id],
  );

  /** The socket was refused for good and a fresh check confirmed it: show the right page. */
  const fail = useCallback((p: Problem) => {
    current.current = null;
    setPhase({ kind: 'error', problem: p, offlineCopy: null });
  }, []);

  return { phase, retry, openOfflineCopy, fail };
}

const SIGN_IN_HASH_KEY = 'tandem:return-hash';

/** The link's token kept across the round trip through the identity provider (fragments do not survive it). */
function tokenKeptForSignIn(): string | null {
  const hash = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(SIGN_IN_HASH_KEY);
  return hash ? new URLSearchParams(hash.replace(/^#/, '')).get('token') : null;
}

/** Access to this device's copy of a document, without the server's word (the socket confirms it later). */
function offlineAccess(id: string, copy: RecentDoc): DocAccess {
  const now = new Date().toISOString();
  return new DocAccess(id, copy.token, { id, title: copy.title, createdAt: now, updatedAt: now, scope: copy.scope, linkGeneration: 0 });
}
