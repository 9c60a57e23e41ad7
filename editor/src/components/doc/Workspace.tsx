import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import type { AwarenessUser } from '../../lib/presence';
import { browserStore, updateRecent } from '../../lib/recentDocs';
import type { CollabSession } from '../../session/collabSession';
import type { DocAccess } from '../../session/docAccess';
import { useCollabSession, useSessionState } from '../../session/useCollabSession';
import { useDocTitle } from '../../session/useDocTitle';
import { useIdentity } from '../../session/useIdentity';
import { usePresence } from '../../session/usePresence';
import { DocHeader } from './DocHeader';
import { DocEditor } from './DocEditor';

// The share dialog is not needed for first paint; load it when someone asks to share.
const ShareDialog = lazy(() => import('./ShareDialog'));

interface Props {
  access: DocAccess;
  onTerminalClose: (code: number, access: DocAccess, session: CollabSession) => void;
  onConnectionTrouble: (access: DocAccess) => void;
}

/** An open document: header (title, status, people, share), toolbar and the editor itself. */
export function Workspace({ access, onTerminalClose, onConnectionTrouble }: Props) {
  const [identity, setIdentity] = useIdentity();
  const role = access.canEdit ? 'editor' : 'viewer';
  const user = useMemo<AwarenessUser>(() => ({ ...identity, role }), [identity, role]);

  const session = useCollabSession({
    id: access.id,
    token: access.token,
    user,
    onTerminalClose: (code, s) => onTerminalClose(code, access, s),
    onConnectionTrouble: () => onConnectionTrouble(access),
  });
  const state = useSessionState(session);
  const people = usePresence(session?.awareness ?? null);
  const title = useDocTitle(session?.doc ?? null, access.info.title);
  const [shareOpen, setShareOpen] = useState(false);

  // A new name or colour shows up on everyone's screen at once.
  useEffect(() => session?.setUser(user), [session, user]);

  // Tab title and the recent list follow the live title (debounced: titles change per keystroke).
  useEffect(() => {
    document.title = `${title.trim() || 'Untitled'} · Tandem`;
    const timer = setTimeout(() => updateRecent(browserStore(), access.id, { title: title.trim() }), 400);
    return () => clearTimeout(timer);
  }, [title, access.id]);

  const rotate = useCallback(() => access.rotate((token) => session?.switchToken(token)), [access, session]);

  return (
    <div className="doc-page" data-role={role}>
      <DocHeader
        access={access}
        title={title}
        state={state}
        people={people}
        identity={identity}
        onIdentityChange={setIdentity}
        onShare={() => setShareOpen(true)}
      />
      {session ? (
        <DocEditor session={session} user={user} editable={access.canEdit} ready={state.ready} title={title} />
      ) : (
        <div className="doc-skeleton" aria-hidden="true" />
      )}
      {shareOpen && (
        <Suspense fallback={null}>
          <ShareDialog access={access} title={title} onRotate={rotate} onClose={() => setShareOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
