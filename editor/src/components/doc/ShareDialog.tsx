import { useEffect, useRef, useState } from 'react';
import { type DocLinks, api } from '../../lib/api';
import { shareUrl } from '../../lib/links';
import type { DocAccess } from '../../session/docAccess';
import { CopyField } from '../CopyField';
import { Dialog } from '../Dialog';
import { Icon } from '../Icon';

interface Props {
  access: DocAccess;
  title: string;
  onRotate: () => Promise<DocLinks>;
  onClose: () => void;
}

/** The links this person may pass on: all three for editors; a commenter or viewer only their own. */
type Links = { edit: string | null; comment: string | null; view: string | null };
type ResetStep = 'idle' | 'confirm' | 'working' | 'done';

function toLinks(links: DocLinks, id: string): Links {
  // Built from our own origin: the address people reached this page at is by definition reachable.
  const url = (token: string) => shareUrl(window.location.origin, id, token);
  return { edit: url(links.editToken), comment: url(links.commentToken), view: url(links.viewToken) };
}

/** The link someone without edit access holds: the one they can pass on (links are an edit-only endpoint). */
function ownLink(access: DocAccess): Links {
  const url = shareUrl(window.location.origin, access.id, access.token);
  return { edit: null, comment: access.scope === 'comment' ? url : null, view: access.scope === 'view' ? url : null };
}

/** Edit, comment and view links, each one click to copy; editors can also reset all three. */
export default function ShareDialog({ access, title, onRotate, onClose }: Props) {
  const [links, setLinks] = useState<Links | null>(access.canEdit ? null : ownLink(access));
  const [error, setError] = useState<string | null>(null);
  const [reset, setReset] = useState<ResetStep>('idle');
  const cancelRef = useRef<HTMLButtonElement>(null);
  const resetRef = useRef<HTMLButtonElement>(null);
  const previousStep = useRef(reset);

  // The button you pressed disappears when the step changes; put focus somewhere sensible, not <body>.
  useEffect(() => {
    if (previousStep.current === reset) return;
    previousStep.current = reset;
    if (reset === 'confirm') cancelRef.current?.focus();
    if (reset === 'idle' || reset === 'done') resetRef.current?.focus();
  }, [reset]);

  useEffect(() => {
    if (!access.canEdit) return;
    let cancelled = false;
    api.getLinks(access.id, access.token).then(
      (l) => !cancelled && setLinks(toLinks(l, access.id)),
      () => !cancelled && setError('Couldn’t load the links. Check your connection and try again.'),
    );
    return () => {
      cancelled = true;
    };
  }, [access]);

  const doReset = async () => {
    setReset('working');
    setError(null);
    try {
      setLinks(toLinks(await onRotate(), access.id));
      setReset('done');
    } catch {
      setError('Resetting the links failed. The old links still work; try again.');
      setReset('confirm');
    }
  };

  return (
    <Dialog title={`Share “${title.trim() || 'Untitled'}”`} onClose={onClose} testId="share-dialog">
      <div className="dialog__body">
        {reset === 'done' && (
          <p className="notice notice--ok" role="status" data-testid="reset-done">
            <Icon name="check" size={16} /> Links reset. The old links no longer work — share these new ones.
          </p>
        )}
        {!links && !error && <p className="muted">Loading links…</p>}
        {links?.edit && (
          <CopyField
            label="Edit link"
            description="Anyone with this link can edit."
            value={links.edit}
            testId="edit-link"
            copyTestId="copy-edit-link"
          />
        )}
        {links?.comment && (
          <CopyField
            label="Comment link"
            description="Anyone with this link can read and comment, but not change the text."
            value={links.comment}
            testId="comment-link"
            copyTestId="copy-comment-link"
          />
        )}
        {links?.view && (
          <CopyField
            label="View-only link"
            description="Anyone with this link can read and follow along live, comments included, but not edit or comment."
            value={links.view}
            testId="view-link"
            copyTestId="copy-view-link"
          />
        )}
        {access.scope === 'view' && <p className="muted">You have view-only access. Ask an editor if you need an edit link.</p>}
        {access.scope === 'comment' && <p className="muted">You can comment. Ask an editor if you need an edit link.</p>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
      {access.canEdit && (
        <div className="dialog__footer reset">
          {reset === 'confirm' || reset === 'working' ? (
            <div className="reset__confirm" role="group" aria-labelledby="reset-question">
              <p id="reset-question" className="reset__question">
                <strong>Reset all three links?</strong> Everyone using the current edit, comment and view links loses access
                right away, including people who have the document open. You will need to share the new links again.
              </p>
              <div className="reset__actions">
                <button type="button" className="btn" ref={cancelRef} onClick={() => setReset('idle')} disabled={reset === 'working'}>
                  Cancel
                </button>
                <button
                  type="button"
                  className="btn btn--danger"
                  onClick={() => void doReset()}
                  disabled={reset === 'working'}
                  data-testid="confirm-reset"
                >
                  {reset === 'working' ? 'Resetting…' : 'Reset links'}
                </button>
              </div>
            </div>
          ) : (
            <>
              <p className="reset__hint">Shared a link with the wrong people? Reset makes all three old links stop working.</p>
              <button ref={resetRef} type="button" className="btn btn--subtle-danger" onClick={() => setReset('confirm')} data-testid="reset-links">
                <Icon name="reset" size={16} />
                Reset links…
              </button>
            </>
          )}
        </div>
      )}
    </Dialog>
  );
}
