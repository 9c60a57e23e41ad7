import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CloseCode } from '@tandem/common';
import { api, ApiError } from '../../lib/api';
import { forgetDocument, leaveStartNotice } from '../../lib/forgetDoc';
import { navigate } from '../../lib/router';
import type { AwarenessUser } from '../../lib/presence';
import { browserStore, updateRecent } from '../../lib/recentDocs';
import { historyShortcut } from '../../lib/shortcuts';
import type { CollabSession } from '../../session/collabSession';
import type { DocAccess } from '../../session/docAccess';
import { useCollabSession, useSessionState } from '../../session/useCollabSession';
import { useComments } from '../../session/useComments';
import { useNarrowScreen } from '../../session/useNarrowScreen';
import { useDocTitle } from '../../session/useDocTitle';
import { useHistoryView } from '../../session/useHistoryView';
import { useIdentity } from '../../session/useIdentity';
import { usePresence } from '../../session/usePresence';
import { CommentsButton } from '../comments/CommentsButton';
import { HistoryPanel } from '../history/HistoryPanel';
import { HistoryPreview } from '../history/HistoryPreview';
import { useHistoryKeys } from '../history/useHistoryKeys';
import { DocHeader } from './DocHeader';
import { DeleteDialog } from './DeleteDialog';
import { DocEditor } from './DocEditor';
import { ReplaceWithFile, type ReplaceWithFileHandle } from './ReplaceWithFile';

// The share dialog is not needed for first paint; load it when someone asks to share.
const ShareDialog = lazy(() => import('./ShareDialog'));

/** How each kind of link shows up to the others (presence, carets). */
const ROLES = { edit: 'editor', comment: 'commenter', view: 'viewer' } as const;

interface Props {
  access: DocAccess;
  onTerminalClose: (code: number, access: DocAccess, session: CollabSession) => void;
  onConnectionTrouble: (access: DocAccess) => void;
}

/** An open document: header (title, status, people, share), toolbar, the editor, and its history. */
export function Workspace({ access, onTerminalClose, onConnectionTrouble }: Props) {
  const [identity, setIdentity] = useIdentity();
  const role = ROLES[access.scope];
  const user = useMemo<AwarenessUser>(() => ({ ...identity, role }), [identity, role]);
  const [deleteOpen, setDeleteOpen] = useState(false);
  // Our own delete closes our socket with 4404 before its answer arrives: that close is expected, not news.
  const deleting = useRef(false);

  const session = useCollabSession({
    id: access.id,
    token: access.token,
    user,
    localCopy: access.scope !== 'comment',
    onTerminalClose: (code, s) => {
      if (code === CloseCode.DocumentDeleted && deleting.current) return;
      onTerminalClose(code, access, s);
    },
    onConnectionTrouble: () => onConnectionTrouble(access),
  });
  const state = useSessionState(session);
  const people = usePresence(session?.awareness ?? null);
  const title = useDocTitle(session?.doc ?? null, access.info.title);
  const [shareOpen, setShareOpen] = useState(false);
  const replaceFile = useRef<ReplaceWithFileHandle>(null);
  const history = useHistoryView(access, session?.doc ?? null, identity);
  const [authorsShown, setAuthorsShown] = useState(false);
  const { panelFocus, focusPanel, openHistory, closeHistory, exitPreview } = useHistoryKeys(history);
  const comments = useComments({ doc: session?.doc ?? null, docId: access.id, scope: access.scope, identity });
  const narrow = useNarrowScreen();
  const [commentsFocus, setCommentsFocus] = useState(0);
  const hasThreads = comments.threads.some((t) => t.comments.length > 0);
  // Beside the text only when there is something to show; on a phone the sheet opens when asked for.
  const commentsLayout =
    comments.panelOpen && !history.open && (narrow || hasThreads || comments.draft) ? (narrow ? 'sheet' : 'aligned') : null;
  const openThreads = comments.threads.filter((t) => !t.resolved && t.comments.length > 0).length;

  // A new name or colour shows up on everyone's screen at once.
  useEffect(() => session?.setUser(user), [session, user]);

  // Tab title and the recent list follow the live title (debounced: titles change per keystroke).
  useEffect(() => {
    document.title = `${title.trim() || 'Untitled'} · Tandem`;
    const timer = setTimeout(() => updateRecent(browserStore(), access.id, { title: title.trim() }), 400);
    return () => clearTimeout(timer);
  }, [title, access.id]);

  const rotate = useCallback(() => access.rotate((token) => session?.switchToken(token)), [access, session]);
  const deleteDocument = useCallback(async (): Promise<string | null> => {
    deleting.current = true;
    try {
      await api.deleteDoc(access.id, access.token);
    } catch (err) {
      deleting.current = false;
      // Someone else deleted it first: the outcome the person asked for.
      if (!(err instanceof ApiError && err.status === 404)) {
        return err instanceof ApiError && err.isNetwork
          ? 'Could not reach the server. The document was not deleted.'
          : `The document was not deleted: ${err instanceof Error ? err.message : 'unexpected error'}.`;
      }
    }
    forgetDocument(access.id);
    leaveStartNotice(`“${title.trim() || 'Untitled'}” was deleted.`);
    navigate('/');
    return null;
  }, [access, title]);
  const loadAttribution = useCallback((signal: AbortSignal) => api.attribution(access.id, access.token, signal), [access]);

  const preview =
    history.selection && history.open ? (
      <HistoryPreview
        selection={history.selection}
        versions={history.data.versions ?? []}
        timeline={history.data.timeline}
        state={history.diff}
        canEdit={access.canEdit}
        onCompareChange={(compare) => history.selection?.kind === 'version' && history.select({ ...history.selection, compare })}
        onRestore={async (version) => {
          const problem = await history.restore(version);
          // The preview (and the button that opened the dialog) is gone: focus goes to the panel.
          if (!problem) focusPanel();
          return problem;
        }}
        onExit={exitPreview}
      />
    ) : null;

  return (
    <div className="doc-page" data-role={role} data-history={history.open ? 'open' : undefined} data-comments={commentsLayout ?? undefined}>
      <DocHeader
        access={access}
        title={title}
        state={state}
        people={people}
        identity={identity}
        onIdentityChange={setIdentity}
        onShare={() => setShareOpen(true)}
        menuItems={[
          {
            id: 'history',
            label: 'Version history',
            icon: 'history',
            onSelect: () => (history.open ? closeHistory() : openHistory()),
            testId: 'open-history',
            shortcut: historyShortcut(),
          },
          {
            id: 'authors',
            label: 'Show authors',
            icon: 'users',
            checked: authorsShown,
            onSelect: () => setAuthorsShown((shown) => !shown),
            testId: 'toggle-authors',
          },
          ...(access.canEdit
            ? [{ id: 'replace', label: 'Replace with file…', icon: 'open' as const, onSelect: () => replaceFile.current?.choose(), testId: 'replace-with-file' }]
            : []),
        ]}
        lastMenuItems={
          access.canEdit
            ? [{ id: 'delete', label: 'Delete document…', icon: 'trash', onSelect: () => setDeleteOpen(true), testId: 'delete-document' }]
            : []
        }
        actions={
          <CommentsButton
            open={commentsLayout !== null}
            openCount={openThreads}
            mentionCount={comments.mentionCount}
            onToggle={() => {
              if (commentsLayout !== null) return comments.setPanelOpen(false);
              if (history.open) closeHistory();
              comments.setPanelOpen(true);
              setCommentsFocus((n) => n + 1);
            }}
          />
        }
      />
      {session ? (
        <DocEditor
          session={session}
          user={user}
          editable={access.canEdit}
          ready={state.ready}
          title={title}
          preview={preview}
          authorsShown={authorsShown}
          loadAttribution={loadAttribution}
          comments={comments}
          commentsLayout={commentsLayout}
          commentsFocus={commentsFocus}
          onCloseComments={() => {
            comments.setPanelOpen(false);
            document.querySelector<HTMLElement>('[data-testid="comments-button"]')?.focus();
          }}
          people={people}
        />
      ) : (
        <div className="doc-skeleton" aria-hidden="true" />
      )}
      {history.open && (
        <HistoryPanel
          view={history}
          canEdit={access.canEdit}
          selfName={identity.name}
          authorsShown={authorsShown}
          onAuthorsShownChange={setAuthorsShown}
          focusRequest={panelFocus}
          onClose={closeHistory}
        />
      )}
      {history.notice && (
        <div className="toast" role="status" data-testid="history-notice">
          {history.notice}
        </div>
      )}
      {deleteOpen && <DeleteDialog title={title} onDelete={deleteDocument} onClose={() => setDeleteOpen(false)} />}
      {access.canEdit && <ReplaceWithFile ref={replaceFile} docId={access.id} token={access.token} author={identity.name} />}
      {shareOpen && (
        <Suspense fallback={null}>
          <ShareDialog access={access} title={title} onRotate={rotate} onClose={() => setShareOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
