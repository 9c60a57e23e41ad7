import type { ReactNode } from 'react';
import type { Identity } from '../../lib/identity';
import type { Participant } from '../../lib/presence';
import type { SessionSnapshot } from '../../session/collabSession';
import type { DocAccess } from '../../session/docAccess';
import { Icon, Logo } from '../Icon';
import { Link } from '../Link';
import type { MenuItem } from '../Menu';
import { ExportMenu } from './ExportMenu';
import { PresenceBar } from './PresenceBar';
import { StatusPill } from './StatusPill';

interface Props {
  access: DocAccess;
  title: string;
  state: SessionSnapshot;
  people: Participant[];
  identity: Identity;
  onIdentityChange: (patch: Partial<Identity>) => void;
  onShare: () => void;
  /** Extra entries at the top of the ⋯ menu. */
  menuItems: MenuItem[];
  /** Entries at the bottom of the ⋯ menu, after downloads and print (Delete document…). */
  lastMenuItems?: MenuItem[];
  /** Shown before Share (the comments button). */
  actions?: ReactNode;
}

/** The bar above the document: where you are, whether it is saved, who is here, share and export. */
export function DocHeader({ access, title, state, people, identity, onIdentityChange, onShare, menuItems, lastMenuItems, actions }: Props) {
  return (
    <header className="doc-header">
      <div className="doc-header__left">
        <Link href="/" className="doc-header__home" aria-label="All documents" title="All documents">
          <Logo size={28} />
        </Link>
        <span className="doc-header__title" title={title || 'Untitled'}>
          {title.trim() || 'Untitled'}
        </span>
        {access.scope === 'view' && (
          <span className="badge badge--view badge--readonly" data-testid="readonly-badge" title="You can read and follow along, but not edit.">
            <Icon name="eye" size={14} />
            View only
          </span>
        )}
        {access.scope === 'comment' && (
          <span className="badge badge--comment badge--readonly" data-testid="comment-badge" title="You can read and comment, but not edit the text.">
            <Icon name="comment" size={14} />
            <span className="badge__label">Can comment</span>
          </span>
        )}
      </div>
      <div className="doc-header__right">
        <StatusPill state={state} canEdit={access.canComment} />
        <PresenceBar people={people} identity={identity} onIdentityChange={onIdentityChange} />
        {actions}
        {/* On a phone the label is hidden and only the icon shows: the button keeps its name. */}
        <button type="button" className="btn btn--primary btn--share" onClick={onShare} aria-label="Share" data-testid="share-button">
          <Icon name="share" size={16} />
          <span className="btn__label">Share</span>
        </button>
        <ExportMenu access={access} title={title} items={menuItems} lastItems={lastMenuItems} />
      </div>
    </header>
  );
}
