import type { AwarenessEntry } from '../protocol/messages.js';
import type { Connection } from './connection.js';

/**
 * Keeps awareness honest: the first connection to announce a client id owns it until it leaves; entries
 * from any other connection for that id (setting or removing it) are refused. Without this a peer could
 * move someone else's cursor or make them vanish.
 */
export class AwarenessGuard {
  private readonly owners = new Map<number, Connection>();

  /** The entries `conn` may apply; claims unowned ids for it. */
  filter(conn: Connection, entries: readonly AwarenessEntry[]): { allowed: AwarenessEntry[]; refused: AwarenessEntry[] } {
    const allowed: AwarenessEntry[] = [];
    const refused: AwarenessEntry[] = [];
    for (const entry of entries) {
      const owner = this.owners.get(entry.clientId);
      if (owner && owner !== conn) {
        refused.push(entry);
        continue;
      }
      if (!owner) {
        // Announcing a removal for an id nobody owns claims nothing.
        if (entry.state === 'null') continue;
        this.owners.set(entry.clientId, conn);
        conn.clientIds.add(entry.clientId);
      }
      allowed.push(entry);
    }
    return { allowed, refused };
  }

  /** Forgets everything `conn` owned; returns the ids so their states can be removed. */
  release(conn: Connection): number[] {
    const ids = [...conn.clientIds];
    for (const id of ids) if (this.owners.get(id) === conn) this.owners.delete(id);
    conn.clientIds.clear();
    return ids;
  }
}
