import { randomBytes } from 'node:crypto';
import { scopeAllows, type Scope } from '@tandem/common';

/** The three things a room needs from a socket (and two it can use); transports adapt to it, tests fake it. */
export interface PeerSocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  readonly isOpen: boolean;
  /** [RL4] Holds what is sent from now on until `uncork`, which writes it all at once (one syscall, not one per frame). */
  cork?(): void;
  uncork?(): void;
  /** [RL5] Bytes sent to it and not yet taken by the peer; absent: never lags. */
  readonly bufferedBytes?: number;
  /** [RL5] Calls `fn` once, when everything queued so far has left (not if the socket closes first). */
  whenDrained?(fn: () => void): void;
}

/**
 * [RL4] Runs `write` with the open sockets of `peers` corked (those that can cork), so whatever it sends to
 * each one leaves in one write; every socket corked here is uncorked, even when `write` throws.
 */
export function whileCorked(peers: Iterable<{ socket: PeerSocket }>, write: () => void): void {
  const corked: PeerSocket[] = [];
  for (const { socket } of peers) {
    if (socket.cork && socket.isOpen) {
      socket.cork();
      corked.push(socket);
    }
  }
  try {
    write();
  } finally {
    for (const socket of corked) socket.uncork?.();
  }
}

/** What the token granted, checked again wherever messages are applied. */
export interface ConnectionAccess {
  scope: Scope;
  generation: number;
  /** [ID1] The user the token names (`sub`): recorded in history as the verified user. */
  user?: string;
  /** [ID1] The name the token stamps: it replaces whatever name this connection announces. */
  name?: string;
}

let nextConnectionId = 1;

/** The default clock, shared by every connection. */
const monotonicNow = () => performance.now();

/** One socket in one room: its access, the awareness client ids it introduced, its message budget. */
export class Connection {
  readonly id = `c${nextConnectionId++}`;
  private sessionId: string | undefined;
  /**
   * [HI2] Names this connection in history entries: unique across instances and restarts. Drawn when first
   * needed, so a socket that never writes (a reader, an idle tab) costs no random bytes to accept.
   */
  get session(): string {
    return (this.sessionId ??= randomBytes(9).toString('base64url'));
  }
  /** Awareness client ids this connection introduced; only it may change or remove them. */
  readonly clientIds = new Set<number>();
  /** [L4] How many messages this connection may send right now; refills at `messagesPerSecond`. */
  private messageBudget: number;
  private lastRefill: number;
  /** [DEL4] Its document is being deleted: its updates are dropped like a view link's until it is closed. */
  frozen = false;

  constructor(
    readonly socket: PeerSocket,
    readonly access: ConnectionAccess,
    private readonly messagesPerSecond: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.messageBudget = messagesPerSecond * 2;
    this.lastRefill = now();
  }

  /** Whether its updates may change anything: comment and edit links [R1]; view links never. */
  get canWrite(): boolean {
    return !this.frozen && scopeAllows(this.access.scope, 'comment');
  }

  /** Whether its updates may change everything (edit links), or only the comments (comment links) [CM2]. */
  get canEditAll(): boolean {
    return scopeAllows(this.access.scope, 'edit');
  }

  /** Token bucket: sustained `messagesPerSecond`, bursts up to twice that. False once exhausted. */
  takeMessageBudget(): boolean {
    const now = this.now();
    const capacity = this.messagesPerSecond * 2;
    this.messageBudget = Math.min(capacity, this.messageBudget + ((now - this.lastRefill) / 1000) * this.messagesPerSecond);
    this.lastRefill = now;
    if (this.messageBudget < 1) return false;
    this.messageBudget -= 1;
    return true;
  }
}
