import { useCallback, useRef } from 'react';
import { ErrorPage } from '../components/ErrorPage';
import { PageLoading } from '../components/PageLoading';
import { Workspace } from '../components/doc/Workspace';
import { ApiError } from '../lib/api';
import { CloseCode } from '@tandem/common';
import { problem, problemFromApiError, problemFromCloseCode } from '../lib/errors';
import { forgetDocument } from '../lib/forgetDoc';
import type { CollabSession } from '../session/collabSession';
import type { DocAccess } from '../session/docAccess';
import { useDocAccess } from '../session/useDocAccess';
import { signInHref } from '../lib/signIn';
import '../styles/document.css';
import '../styles/history.css';
import '../styles/comments.css';

/** How many times a refused socket may be retried when a fresh HTTP check says the link is fine. */
const MAX_SOCKET_RESTARTS = 2;

/** `/d/:id#token=…`: check the link, then open the workspace (or explain why not). */
export default function DocumentPage({ id, hashToken }: { id: string; hashToken: string | null }) {
  const { phase, retry, openOfflineCopy, fail } = useDocAccess(id, hashToken);
  const restarts = useRef(0);

  // The server refused the socket (4401 revoked/invalid, 4403, 4404). Ask the HTTP API why, with the
  // token we hold *now*, so the page shows the precise reason — e.g. "This link is no longer valid".
  const onTerminalClose = useCallback(
    async (code: number, access: DocAccess, session: CollabSession) => {
      // [DEL4] Deleted, for good: nothing to ask, nothing to retry, nothing of it to keep here.
      if (code === CloseCode.DocumentDeleted) {
        forgetDocument(access.id);
        return fail(problem('deleted-document'));
      }
      try {
        await access.recheck();
      } catch (err) {
        const p = problemFromApiError(err);
        const adopted = p.kind === 'revoked-link' ? await access.followResetFromAnotherTab() : null;
        if (adopted) session.switchToken(adopted);
        else fail(p);
        return;
      }
      // The link is fine (we raced a reset of our own, or the server hiccuped): reconnect, a bounded
      // number of times so a server that keeps refusing cannot make us spin.
      if (restarts.current < MAX_SOCKET_RESTARTS) {
        restarts.current++;
        session.restart();
      } else {
        fail(problemFromCloseCode(code));
      }
    },
    [fail],
  );

  // The socket keeps failing with no close code to explain it. The server refuses bad tokens before the
  // upgrade, so ask over HTTP: a revoked link or deleted document gets its page; a server that is simply
  // down (network error) leaves the editor working offline.
  const onConnectionTrouble = useCallback(
    async (access: DocAccess) => {
      try {
        await access.recheck();
      } catch (err) {
        if (err instanceof ApiError && !err.isNetwork) fail(problemFromApiError(err));
      }
    },
    [fail],
  );

  if (phase.kind === 'loading') return <PageLoading label="Opening document…" />;
  if (phase.kind === 'error') {
    const copy = phase.offlineCopy;
    return (
      <ErrorPage problem={phase.problem} onRetry={retry}>
        {phase.problem.kind === 'sign-in-required' && (
          <a className="btn btn--primary" href={signInHref()} data-testid="sign-in">
            Sign in
          </a>
        )}
        {copy && (
          <button type="button" className="btn" onClick={() => openOfflineCopy(copy)} data-testid="open-offline-copy">
            Open the copy on this device
          </button>
        )}
      </ErrorPage>
    );
  }
  return (
    <Workspace
      // A new opening (another token) gets a fresh session; a link reset mutates the same access in place.
      key={phase.access.key}
      access={phase.access}
      onTerminalClose={(code, access, session) => void onTerminalClose(code, access, session)}
      onConnectionTrouble={(access) => void onConnectionTrouble(access)}
    />
  );
}
