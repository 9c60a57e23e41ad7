import type { Participant } from '../../lib/presence';

/** A coloured initials bubble. The colour is the person's caret colour, so you can match them up. */
export function Avatar({ person, size = 30 }: { person: Pick<Participant, 'color' | 'initials' | 'role'>; size?: number }) {
  return (
    <span
      className={`avatar${person.role === 'viewer' ? ' avatar--viewer' : ''}`}
      style={{ backgroundColor: person.color, width: size, height: size, fontSize: Math.round(size * 0.4) }}
      aria-hidden="true"
    >
      {person.initials}
    </span>
  );
}
