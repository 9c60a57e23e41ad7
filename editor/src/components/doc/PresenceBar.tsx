import { useRef, useState } from 'react';
import type { Identity } from '../../lib/identity';
import { type Participant, type Role, summarizePresence } from '../../lib/presence';
import { Popover } from '../Popover';
import { Avatar } from './Avatar';
import { IdentityEditor } from './IdentityEditor';

const MAX_AVATARS = 4;

const ROLE_BADGES: Record<Role, { tone: string; label: string }> = {
  editor: { tone: 'edit', label: 'Editing' },
  commenter: { tone: 'comment', label: 'Commenting' },
  viewer: { tone: 'view', label: 'Viewing' },
};

interface Props {
  people: Participant[];
  identity: Identity;
  onIdentityChange: (patch: Partial<Identity>) => void;
}

/**
 * Who is here: overlapping avatars (you first). Clicking opens the full list — editors and viewers —
 * with your own name and colour editable at the top.
 */
export function PresenceBar({ people, identity, onIdentityChange }: Props) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const shown = people.slice(0, MAX_AVATARS);
  const hidden = people.length - shown.length;
  const summary = summarizePresence(people);

  return (
    <div className="presence" data-testid="presence" data-count={people.length}>
      <button
        ref={buttonRef}
        type="button"
        className="presence__button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-haspopup="dialog"
        title={summary}
        data-testid="presence-button"
      >
        {/* The name comes from this text, not aria-label: a label must contain what the button shows
            (WCAG 2.5.3), and the avatars' initials and "+N" are only a picture of the same list. */}
        <span className="visually-hidden">{`People here: ${summary}. Change your name and colour.`}</span>
        <span className="presence__stack" aria-hidden="true">
          {shown.map((p, i) => (
            // Earlier avatars sit on top, so yours (first) is never covered by someone else's.
            <span key={p.clientId} className="presence__slot" style={{ zIndex: shown.length - i }}>
              <Avatar person={p} size={30} />
            </span>
          ))}
          {hidden > 0 && <span className="avatar avatar--more">+{hidden}</span>}
        </span>
      </button>
      <Popover open={open} onClose={() => setOpen(false)} anchorRef={buttonRef} label="People in this document" className="people">
        <IdentityEditor identity={identity} onChange={onIdentityChange} />
        <h2 className="people__heading">
          In this document <span className="people__count">{summary}</span>
        </h2>
        <ul className="people__list">
          {people.map((p) => (
            <li key={p.clientId} className="people__item" data-testid="presence-item" data-role={p.role} data-self={p.isSelf}>
              <Avatar person={p} size={28} />
              <span className="people__name">
                {p.name}
                {p.isSelf && <span className="people__you"> (you)</span>}
              </span>
              <span className={`badge badge--${ROLE_BADGES[p.role].tone}`}>{ROLE_BADGES[p.role].label}</span>
            </li>
          ))}
        </ul>
      </Popover>
    </div>
  );
}
