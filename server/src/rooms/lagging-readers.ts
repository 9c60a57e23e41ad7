import * as Y from 'yjs';
import { encodeSyncUpdate } from '../protocol/messages.js';
import type { Connection } from './connection.js';
import { encodeIntegratedState } from './update-guard.js';

/**
 * [RL5] Bytes queued unread on a socket past which it gets no more relays until it has read them all; then
 * one update brings it up to date. A reader behind by a quarter of a mebibyte (seconds on a slow phone link)
 * gets every later change as one merged diff, at most the document's size, instead of a queue that grows
 * with every keystroke anyone makes: the server's memory stays bounded by documents, not by traffic, and
 * the reader applies one update instead of thousands.
 */
export const LAGGING_ABOVE = 256 * 1024;

/**
 * [RL5] Bytes queued past which a reader may soon lag: from then on each relay flush keeps the state vector
 * of what has been relayed up to date, so a catch-up sends only what the reader missed.
 */
export const WATCH_ABOVE = 32 * 1024;

/** What the lagging readers need from the room. */
export interface LaggingReadersDeps {
  doc: Y.Doc;
  /** Appends issued and settled so far (they settle, and are relayed, in order) [D1]. */
  appended(): number;
  settled(): number;
  /** Runs `fn` once every append issued so far is durable [D1]. */
  afterWrites(fn: () => void): void;
  /** Whether `conn` is still in the room. */
  present(conn: Connection): boolean;
  send(conn: Connection, frame: Uint8Array): void;
  /** Counts one catch-up sent. */
  caughtUp(): void;
}

/**
 * [RL5] Relays to readers that fall behind: a socket with more than `LAGGING_ABOVE` bytes queued is skipped
 * by relays until its queue drains, then sent what it lacks as one update.
 *
 * What it lacks is computed from a state vector that it is sure to hold: that of the document at a moment
 * when everything applied before it had been relayed to every reader. Taking the document's state vector
 * when the reader starts lagging would not do — changes applied but not yet durable are in the document
 * and not yet relayed. So a candidate state vector is taken with the number of appends issued at that
 * moment; once a relay flush finds that many settled (hence relayed, in order [D1]), the candidate becomes
 * `relayed`. Content only grows, so any `relayed` vector stays a lower bound of what each reader holds (a
 * reader that lagged before holds everything applied before its catch-up was computed); a stale one only
 * makes the catch-up larger, never incomplete. Candidates are taken only while some reader's queue is
 * past `WATCH_ABOVE` (or some reader lags): at most one state vector per flush, and only then.
 */
export class LaggingReaders {
  /** Readers skipped by relays, with the state vector each is sure to hold. */
  private readonly lagging = new Map<Connection, Uint8Array>();
  /** What every reader holds (or will, once sent): the document at a moment fully relayed. Null: not loaded yet. */
  private relayed: Uint8Array | null = null;
  private candidate: { stateVector: Uint8Array; after: number } | null = null;
  /** Whether, in the flush under way, some reader's queue was past `WATCH_ABOVE`. */
  private watching = false;

  constructor(private readonly deps: LaggingReadersDeps) {}

  /** The document was loaded: what it holds now, every reader gets in its answer to step1 [H3]. */
  loaded(): void {
    this.relayed = Y.encodeStateVector(this.deps.doc);
  }

  /** Whether `conn` is skipped by relays right now. */
  isLagging(conn: Connection): boolean {
    return this.lagging.has(conn);
  }

  /**
   * Whether a relay should be sent to `conn` now. A reader whose queue is past `LAGGING_ABOVE` starts lagging
   * here: it is skipped until its socket drains, then caught up.
   */
  admits(conn: Connection): boolean {
    if (this.lagging.size > 0 && this.lagging.has(conn)) return false;
    const { socket } = conn;
    const queued = socket.bufferedBytes ?? 0;
    if (queued <= WATCH_ABOVE) return true;
    this.watching = true;
    if (queued <= LAGGING_ABOVE || !socket.whenDrained) return true;
    // An empty state vector (the whole document) is always a lower bound of what the reader holds.
    this.lagging.set(conn, this.relayed ?? EMPTY_STATE_VECTOR);
    socket.whenDrained(() => this.catchUp(conn));
    return false;
  }

  /** After each relay flush: promotes a candidate that is now fully relayed, takes a new one while watching. */
  flushed(): void {
    const { candidate } = this;
    if (candidate && this.deps.settled() >= candidate.after) {
      this.relayed = candidate.stateVector;
      this.candidate = null;
    }
    if (this.watching || this.lagging.size > 0) {
      this.watching = false;
      this.candidate ??= { stateVector: Y.encodeStateVector(this.deps.doc), after: this.deps.appended() };
    }
  }

  /** `conn` left the room. */
  forget(conn: Connection): void {
    this.lagging.delete(conn);
  }

  /**
   * The reader's queue drained: from now on it gets relays again, and what it missed — everything applied
   * so far that it may lack — leaves as one update once durable [D1]. Relays of later changes may reach it
   * first; Yjs holds them until the catch-up arrives, as it does for a newcomer's relays before its step2.
   */
  private catchUp(conn: Connection): void {
    const holds = this.lagging.get(conn);
    if (!holds) return;
    this.lagging.delete(conn);
    if (!this.deps.present(conn)) return;
    const missed = encodeIntegratedState(this.deps.doc, holds);
    this.deps.caughtUp();
    this.deps.afterWrites(() => {
      if (this.deps.present(conn)) this.deps.send(conn, encodeSyncUpdate(missed));
    });
  }
}

/** A state vector naming no client. */
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
