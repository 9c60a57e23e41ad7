import * as Y from 'yjs';
import { ProtocolError, encodeSyncStep1, encodeSyncStep2 } from '../protocol/messages.js';
import type { Connection } from './connection.js';
import type { DurableLog } from './durable-log.js';
import { encodeIntegratedState } from './update-guard.js';

/**
 * Tells replicas what the document holds: our state vector to a newcomer [H2], the answer to a peer's sync
 * step1 [H3], the diff another instance asks for (cluster mode). Each leaves only once every append issued so
 * far is durable, so nothing that a crash here could still lose reaches anyone.
 */
export class SyncResponder {
  /**
   * The stored snapshot while it is still exactly the document's state (loaded with an empty log, nothing
   * changed since): a newcomer with an empty state vector gets these bytes as they are, instead of the
   * document being encoded again — the larger half of a cold sync's server time.
   */
  private pristineState: Uint8Array | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly durable: DurableLog,
    /** Sends frames to one peer, all in one write. */
    private readonly send: (conn: Connection, ...frames: Uint8Array[]) => void,
  ) {}

  /** The document was just loaded from `snapshot` and `logLength` updates after it. */
  loaded(snapshot: Uint8Array | null, logLength: number): void {
    // Only a snapshot Yjs integrated entirely: held-back changes are never sent on [M2].
    const holdsBack = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
    if (snapshot && logLength === 0 && !holdsBack) this.pristineState = snapshot;
  }

  /** The document changed: the stored snapshot no longer is its state. */
  changed(): void {
    this.pristineState = null;
  }

  /** [H2] Sends a newcomer our state vector, once what it reflects is durable. */
  greet(conn: Connection): void {
    this.durable.afterWrites(() => this.send(conn, encodeSyncStep1(Y.encodeStateVector(this.doc))));
  }

  /**
   * [H3] Answers step1 with step2 and then our own step1 — both only once everything received so far is
   * durable, so nothing not yet on disk reaches a peer, and our state vector tells the client what is saved.
   * The two frames leave in one write: a newcomer costs the same syscalls as on a server that sends one.
   */
  answerStep1(conn: Connection, stateVector: Uint8Array): void {
    let diff: Uint8Array;
    try {
      diff =
        this.pristineState && isEmptyStateVector(stateVector)
          ? this.pristineState
          : encodeIntegratedState(this.doc, stateVector);
    } catch {
      throw new ProtocolError('malformed state vector');
    }
    const ourVector = Y.encodeStateVector(this.doc);
    this.durable.afterWrites(() => {
      this.send(conn, encodeSyncStep2(diff), encodeSyncStep1(ourVector));
    });
  }

  /**
   * What a replica at `stateVector` lacks, computed now and handed over once every append issued so far is
   * durable (so another instance never receives something a crash here could still lose); null if nothing.
   */
  durableDiff(stateVector: Uint8Array): Promise<Uint8Array | null> {
    let diff: Uint8Array | null;
    try {
      diff = encodeIntegratedState(this.doc, stateVector);
    } catch {
      return Promise.resolve(null);
    }
    return this.durable.whenDurable(diff);
  }
}

/** A state vector that names no client: the peer has nothing yet. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}
