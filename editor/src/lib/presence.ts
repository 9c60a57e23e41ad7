import { NAME_MAX, PALETTE, initials, isHexColor } from './identity';

/**
 * Who is in the document, derived from the Yjs awareness states. Awareness is written by every client,
 * so everything read here is untrusted: names are capped, colours validated, unknown roles shown as
 * viewers (never promote someone to "editor" on a guess).
 */

export type Role = 'editor' | 'commenter' | 'viewer';

/** Editors first, then commenters, then viewers. */
const ROLE_ORDER: Record<Role, number> = { editor: 0, commenter: 1, viewer: 2 };

/** What each client publishes in the awareness `user` field. */
export interface AwarenessUser {
  name: string;
  color: string;
  role: Role;
}

export interface Participant extends AwarenessUser {
  clientId: number;
  isSelf: boolean;
  initials: string;
}

function fallbackColor(clientId: number): string {
  return PALETTE[Math.abs(clientId) % PALETTE.length] as string;
}

export function derivePresence(states: ReadonlyMap<number, unknown>, selfClientId: number): Participant[] {
  const people: Participant[] = [];
  for (const [clientId, state] of states) {
    const user = state && typeof state === 'object' ? (state as { user?: unknown }).user : undefined;
    // Clients without a `user` (e.g. server-side tools) are not people in the room.
    if (!user || typeof user !== 'object') continue;
    const u = user as Record<string, unknown>;
    const rawName = typeof u.name === 'string' ? u.name.replace(/\s+/g, ' ').trim().slice(0, NAME_MAX) : '';
    const name = rawName || 'Anonymous';
    people.push({
      clientId,
      name,
      color: isHexColor(u.color) ? u.color : fallbackColor(clientId),
      role: u.role === 'editor' || u.role === 'commenter' ? u.role : 'viewer',
      isSelf: clientId === selfClientId,
      initials: initials(name),
    });
  }
  // You first, then editors, commenters, viewers, then alphabetically; clientId keeps the order stable.
  return people.sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.name.localeCompare(b.name) ||
      a.clientId - b.clientId,
  );
}

/** "3 editing, 1 commenting, 1 viewing" — for the presence bar's accessible label. */
export function summarizePresence(people: readonly Participant[]): string {
  const count = (role: Role) => people.filter((p) => p.role === role).length;
  const parts: string[] = [];
  if (count('editor')) parts.push(`${count('editor')} editing`);
  if (count('commenter')) parts.push(`${count('commenter')} commenting`);
  if (count('viewer')) parts.push(`${count('viewer')} viewing`);
  return parts.join(', ') || 'Nobody here';
}
