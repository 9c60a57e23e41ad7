import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { reportLimitTrip } from '../limits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { decodeAwarenessUpdate, encodeAwareness, encodeAwarenessEntries, type AwarenessEntry } from '../protocol/messages.js';
import { AwarenessGuard } from './awareness-guard.js';
import { Connection } from './connection.js';
import { REMOTE, type Broadcast } from './relay-batcher.js';

/** Where a client's awareness goes to reach the other instances (cluster mode): the room's uplink. */
export interface AwarenessPublisher {
  publishAwareness(update: Uint8Array): void;
}

export interface RoomPresenceDeps {
  metrics: Metrics;
  /** The room's logger (it names the document). */
  logger: Logger;
  /** Sends one frame to one peer. */
  send(conn: Connection, frame: Uint8Array): void;
  broadcast: Broadcast;
}

/**
 * [ID1] `entry` with `user.name` forced to the stamped name: a signed-in (or named-token) connection cannot
 * present itself under another name. Removals (`null`) and states that are not objects pass unchanged.
 */
export function stampName(entry: AwarenessEntry, name: string): AwarenessEntry {
  const state = JSON.parse(entry.state) as unknown;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return entry;
  const record = state as Record<string, unknown>;
  const user = record.user !== null && typeof record.user === 'object' && !Array.isArray(record.user) ? record.user : {};
  return { ...entry, state: JSON.stringify({ ...record, user: { ...user, name } }) };
}

/** Longest name history records for a person (the editor caps names at 40). */
const MAX_ANNOUNCED_NAME = 80;

/**
 * A room's presence: the document's Awareness, kept honest by an `AwarenessGuard` [A1]. Every change,
 * whoever made it, is broadcast to the peers; changes from this instance's own peers are also published to
 * the other instances (cluster mode).
 */
export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly guard = new AwarenessGuard();
  private publisher: AwarenessPublisher | null = null;
  /** [CL5] Which instance last spoke for each remote client id, so that instance's death removes exactly its peers. */
  private readonly remoteOwners = new Map<number, string>();

  constructor(
    doc: Y.Doc,
    /** The room's connections (the same set, not a copy): whose states count as this instance's own. */
    private readonly connections: ReadonlySet<Connection>,
    private readonly deps: RoomPresenceDeps,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    // The server publishes no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /** Cluster mode: from now on, awareness from our own peers is published to the other instances too. */
  publishTo(publisher: AwarenessPublisher | null): void {
    this.publisher = publisher;
  }

  /** [H2] Sends a newcomer the current awareness, if there is any. */
  greet(conn: Connection): void {
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      this.deps.send(conn, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
    }
  }

  /** Answers query-awareness with every state known. */
  answerQuery(conn: Connection): void {
    const ids = [...this.awareness.getStates().keys()];
    this.deps.send(conn, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
  }

  /** [A1] A connection may set or remove only the awareness client ids it introduced. */
  applyFromClient(conn: Connection, update: Uint8Array): void {
    const received = decodeAwarenessUpdate(update);
    const entries = this.remoteOwners.size === 0 ? received : received.filter((entry) => this.mayClaim(entry));
    const { allowed, refused } = this.guard.filter(conn, entries);
    // The stock client re-broadcasts every awareness change it receives, others' included: such echoes
    // carry a clock we already have and change nothing. Only a newer clock is an attempt worth reporting.
    const attempts = refused.filter((entry) => entry.clock > (this.awareness.meta.get(entry.clientId)?.clock ?? 0));
    if (attempts.length > 0) {
      const refusedIds = attempts.map((entry) => entry.clientId);
      reportLimitTrip(this.deps, 'awareness_ownership', 'refused awareness changes for client ids owned by another connection', {
        conn: conn.id,
        refused: refusedIds,
      });
    }
    if (allowed.length === 0) return;
    const stamped = conn.access.name;
    // The usual case, everything allowed and nothing stamped: apply the bytes as received, not re-encoded.
    const permitted =
      stamped !== undefined
        ? encodeAwarenessEntries(allowed.map((entry) => stampName(entry, stamped)))
        : allowed.length === received.length
          ? update
          : encodeAwarenessEntries(allowed);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, permitted, conn);
  }

  /**
   * [CL5] Whether a local connection may announce a client id another instance speaks for. The stock client
   * echoes every awareness change it hears, others' included: such an echo (no newer clock) must not make the
   * id this connection's, or the other instance's death could not remove it. A newer clock is the client
   * itself, reconnected here (its instance died or the balancer moved it): it becomes local.
   */
  private mayClaim(entry: { clientId: number; clock: number }): boolean {
    if (!this.remoteOwners.has(entry.clientId)) return true;
    if (entry.clock <= (this.awareness.meta.get(entry.clientId)?.clock ?? 0)) return false;
    this.remoteOwners.delete(entry.clientId);
    return true;
  }

  /** Awareness of another instance's peers. Their removal comes from that instance, its death [CL5], or the 30 s timeout [A3]. */
  applyRemote(update: Uint8Array, from: string): void {
    try {
      for (const { clientId, state } of decodeAwarenessUpdate(update)) {
        // A client that moved to another instance (reconnected elsewhere) belongs to the one that spoke last.
        if (state === 'null') this.remoteOwners.delete(clientId);
        else this.remoteOwners.set(clientId, from);
      }
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch (error) {
      this.deps.metrics.errors.inc({ kind: 'cluster' });
      this.deps.logger.warn({ err: (error as Error).message }, 'ignoring malformed awareness from another instance');
    }
  }

  /** [CL5] Removes the states of clients last announced by `instanceId`, unless one of our own peers holds them now. */
  dropInstance(instanceId: string): void {
    const local = new Set([...this.connections].flatMap((conn) => [...conn.clientIds]));
    const ids: number[] = [];
    for (const [clientId, owner] of this.remoteOwners) {
      if (owner !== instanceId) continue;
      this.remoteOwners.delete(clientId);
      if (!local.has(clientId) && this.awareness.getStates().has(clientId)) ids.push(clientId);
    }
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, REMOTE);
  }

  /** [A2] Removes every awareness state `conn` introduced (it is leaving). */
  release(conn: Connection): void {
    const ids = this.guard.release(conn);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, conn);
  }

  /**
   * [HI2] The name and colour `conn` announces right now in its awareness `user` field (the editor's
   * shape), or null when it announces none. Untrusted text: trimmed and capped; the colour only if `#rrggbb`.
   */
  announcedUser(conn: Connection): { name: string; color: string | null } | null {
    const states = this.awareness.getStates();
    for (const clientId of conn.clientIds) {
      const user = (states.get(clientId) as { user?: unknown } | undefined)?.user;
      if (!user || typeof user !== 'object') continue;
      const { name, color } = user as { name?: unknown; color?: unknown };
      const cleanName = typeof name === 'string' ? name.replace(/\s+/g, ' ').trim().slice(0, MAX_ANNOUNCED_NAME) : '';
      if (!cleanName) continue;
      return { name: cleanName, color: typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color) ? color.toLowerCase() : null };
    }
    return null;
  }

  /** The awareness states this instance's own peers introduced, encoded; null when there are none. */
  localAwareness(): Uint8Array | null {
    const states = this.awareness.getStates();
    const ids = [...this.connections].flatMap((conn) => [...conn.clientIds]).filter((id) => states.has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  destroy(): void {
    this.awareness.destroy();
  }

  private readonly onUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    for (const clientId of removed) this.remoteOwners.delete(clientId);
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    this.deps.broadcast(encodeAwareness(update), origin);
    if (origin instanceof Connection) this.publisher?.publishAwareness(update);
  };
}
