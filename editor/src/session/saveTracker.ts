import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import {
  type StateVector,
  advanceWithRemoteUpdate,
  covers,
  encodeSyncStep1,
  mergeStateVectors,
  readServerStateVector,
} from '../lib/savedState';

/** Quiet time after the last local change before we ask the server what it has. */
export const CHECK_DEBOUNCE_MS = 350;
/** Even while someone types non-stop, ask at least this often so "Saving…" does not stick. */
export const CHECK_MAX_WAIT_MS = 2000;
const RETRY_MAX_MS = 5000;

/**
 * The socket half of the saved-state rule (the pure half is `lib/savedState.ts`): after local changes,
 * send a sync step 1 on the provider's socket; read the server's step 1 answers off the raw socket to
 * learn its state vector. `onChange` fires whenever "is everything saved?" may have changed.
 */
export class SaveTracker {
  /** What the server has told us it holds durably on the current connection; null = not heard yet. */
  server: StateVector | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private firstPendingAt: number | null = null;
  private retries = 0;
  private readonly watched = new WeakSet<WebSocket>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly provider: WebsocketProvider,
    private readonly onChange: () => void,
  ) {
    doc.on('update', this.handleUpdate);
    provider.on('status', this.handleStatus);
  }

  isSaved(): boolean {
    return this.server !== null && covers(this.server, Y.decodeStateVector(Y.encodeStateVector(this.doc)));
  }

  destroy(): void {
    this.clearTimer();
    this.doc.off('update', this.handleUpdate);
    this.provider.off('status', this.handleStatus);
  }

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this.provider) {
      if (this.server) this.server = advanceWithRemoteUpdate(this.server, update);
    } else {
      // Ours (typing, undo, or offline edits restored from IndexedDB): confirm once the burst settles.
      this.retries = 0;
      this.schedule(CHECK_DEBOUNCE_MS);
    }
    this.onChange();
  };

  private readonly handleStatus = ({ status }: { status: string }): void => {
    const ws = this.provider.ws;
    // The provider creates the socket before emitting 'connecting', so we see every message it gets.
    if (ws && !this.watched.has(ws)) {
      this.watched.add(ws);
      ws.addEventListener('message', (event: MessageEvent) => this.handleMessage(ws, event));
    }
    if (status === 'connected') {
      // A new connection starts from zero knowledge (the server may even have restarted). The provider
      // itself sends a step 1 on open, so the first answer arrives without us asking.
      this.server = null;
      this.retries = 0;
    }
    this.onChange();
  };

  private handleMessage(ws: WebSocket, event: MessageEvent): void {
    if (ws !== this.provider.ws || !(event.data instanceof ArrayBuffer)) return;
    const sv = readServerStateVector(event.data);
    if (!sv) return;
    this.server = this.server ? mergeStateVectors(this.server, sv) : sv;
    if (this.isSaved()) {
      this.retries = 0;
    } else if (this.debounce === null) {
      // Still behind: typically our reply to the server's step 1 (offline edits) went out after the
      // step 1 this answer belongs to. Ask again, backing off in case the server cannot take them.
      this.schedule(Math.min(CHECK_DEBOUNCE_MS * 2 ** this.retries, RETRY_MAX_MS));
      this.retries++;
    }
    this.onChange();
  }

  private schedule(delay: number): void {
    const now = Date.now();
    this.firstPendingAt ??= now;
    const wait = Math.max(0, Math.min(delay, this.firstPendingAt + CHECK_MAX_WAIT_MS - now));
    this.clearTimer();
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.firstPendingAt = null;
      this.sendCheck();
    }, wait);
  }

  private clearTimer(): void {
    if (this.debounce !== null) clearTimeout(this.debounce);
    this.debounce = null;
  }

  private sendCheck(): void {
    const ws = this.provider.ws;
    // Offline: nothing to ask. The provider's own step 1 on reconnect restarts the conversation.
    if (!ws || !this.provider.wsconnected || ws.readyState !== WebSocket.OPEN) return;
    ws.send(encodeSyncStep1(this.doc));
  }
}
