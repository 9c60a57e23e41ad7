import { CONTENT_FRAGMENT, seedEmptyDocument } from '@tandem/common';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { removeAwarenessStates } from 'y-protocols/awareness';
import {
  type ConnectionEvent,
  type ConnectionState,
  initialConnection,
  nextConnection,
  shouldRecheckAccess,
} from '../lib/connection';
import { type SaveState, computeSaveState } from '../lib/savedState';
import type { AwarenessUser } from '../lib/presence';
import { SaveTracker } from './saveTracker';
import { localCopyName } from '../lib/forgetDoc';

export interface SessionSnapshot {
  connection: ConnectionState;
  save: SaveState;
  /** Local copy (IndexedDB) loaded, or the server sent the document: safe to show the editor. */
  ready: boolean;
}

export interface SessionOptions {
  id: string;
  token: string;
  user: AwarenessUser;
  /**
   * Keep a copy in IndexedDB (offline reading and editing). Not for comment links: a local copy may hold
   * changes the server lacks (from an edit link in this browser, or an earlier session's client id), and
   * the first sync would send them — a comment link may send only its own comments, or its socket closes.
   */
  localCopy: boolean;
  /** ws(s)://host/collab — derived from the page origin by default. */
  serverUrl?: string;
  /** Called once when the server refuses us for good (close codes 4401/4403/4404). */
  onTerminalClose: (code: number) => void;
  /** Called when connecting keeps failing without a close code that explains why (see shouldRecheckAccess). */
  onConnectionTrouble: () => void;
}

/** How long we wait for IndexedDB before connecting anyway (it can hang in some private modes). */
const LOCAL_LOAD_TIMEOUT_MS = 1500;
/** With no local copy and no server, show the (empty) editor anyway after this: never a skeleton forever. */
const READY_FALLBACK_MS = 5000;

/** Marks the transaction that gives a brand-new document its first paragraph. */
export const SEED_ORIGIN = Symbol('tandem:seed');

export function collabUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab`;
}

/**
 * One open document: the Y.Doc, its IndexedDB copy, the WebSocket provider, the connection state machine
 * and the saved-state tracker. A plain class (not React) so its lifetime is explicit — created when the
 * document page mounts, destroyed when it unmounts — and exposed to React as an external store.
 */
export class CollabSession {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private readonly local: IndexeddbPersistence | null;
  private readonly tracker: SaveTracker;
  private connection: ConnectionState;
  private ready = false;
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<() => void>();
  private destroyed = false;
  private readyFallback: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: SessionOptions) {
    this.connection = initialConnection(typeof navigator === 'undefined' || navigator.onLine !== false);
    this.provider = new WebsocketProvider(options.serverUrl ?? collabUrl(window.location), options.id, this.doc, {
      connect: false,
      params: { token: options.token },
    });
    this.forwardOwnAwarenessOnly();
    this.provider.awareness.setLocalStateField('user', options.user);
    this.tracker = new SaveTracker(this.doc, this.provider, () => this.emit());
    this.snapshot = this.computeSnapshot();

    this.provider.on('status', this.onStatus);
    this.provider.on('connection-close', this.onClose);
    this.provider.on('sync', this.onSync);
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('pagehide', this.onPageHide);

    // Offline edits live in IndexedDB, keyed by document id. Load them first so the first sync step 1
    // we send already includes them (one round trip instead of two) and the page paints from disk.
    this.local = typeof indexedDB === 'undefined' || !options.localCopy ? null : new IndexeddbPersistence(localCopyName(options.id), this.doc);
    const localLoaded = this.local
      ? Promise.race([this.local.whenSynced, new Promise((r) => setTimeout(r, LOCAL_LOAD_TIMEOUT_MS))])
      : Promise.resolve();
    void localLoaded.then(() => {
      if (this.destroyed) return;
      // Only show the editor early if the local copy actually had content; an empty copy would flash
      // the placeholder and invite typing into what is about to be replaced by the server's version.
      if (this.doc.share.size > 0 && this.doc.getXmlFragment(CONTENT_FRAGMENT).length > 0) this.markReady();
      this.provider.connect();
      this.readyFallback = setTimeout(() => this.markReady(), READY_FALLBACK_MS);
    });
  }

  // --- external store (useSyncExternalStore) ---
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  readonly getSnapshot = (): SessionSnapshot => this.snapshot;

  get awareness() {
    return this.provider.awareness;
  }

  setUser(user: AwarenessUser): void {
    this.provider.awareness.setLocalStateField('user', user);
  }

  /** Switch to a new token (after resetting links) and reconnect with it. */
  switchToken(token: string): void {
    this.provider.params = { token };
    // Drop the socket opened with the old token (the server is about to close it with 4401 anyway).
    this.provider.disconnect();
    this.dispatch({ type: 'restart' });
    this.provider.connect();
  }

  /** Try again after a terminal close turned out to be recoverable. */
  restart(): void {
    this.dispatch({ type: 'restart' });
    this.provider.connect();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.readyFallback);
    this.provider.awareness.off('update', this.onAwarenessUpdate);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('pagehide', this.onPageHide);
    this.tracker.destroy();
    this.provider.destroy();
    void this.local?.destroy();
    this.doc.destroy();
    this.listeners.clear();
  }

  private readonly onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }): void => {
    if (status === 'connected') this.dispatch({ type: 'socket-connected' });
    else if (status === 'connecting') this.dispatch({ type: 'socket-connecting' });
  };

  private readonly onClose = (event: CloseEvent | null): void => {
    const code = event ? event.code : null;
    const wasClosed = this.connection.kind === 'closed';
    this.dispatch({ type: 'socket-closed', code });
    if (!wasClosed && this.connection.kind === 'closed') {
      // The provider already stopped retrying for 44xx codes; make it explicit and let the page decide.
      this.provider.disconnect();
      this.options.onTerminalClose(this.connection.code);
    } else if (code !== null && 'failures' in this.connection && shouldRecheckAccess(this.connection.failures)) {
      this.options.onConnectionTrouble();
    }
  };

  private readonly onSync = (synced: boolean): void => {
    if (!synced) return;
    // The server seeds the documents it creates; a fragment still empty once we are in sync gets the same
    // seed from the first editor, so everyone types into one paragraph. Never from a viewer.
    if (this.options.user.role === 'editor') seedEmptyDocument(this.doc, SEED_ORIGIN);
    this.markReady();
  };

  private readonly onOnline = (): void => {
    this.dispatch({ type: 'browser-online' });
    // Ask for everyone's presence again (the carets forgotten when we went offline).
    if (this.provider.wsconnected) this.queryAwareness();
    // The socket may have survived the blip (the browser does not always kill it): no new 'connected'
    // event will come, so report the truth now instead of showing "Reconnecting…" forever.
    if (this.provider.wsconnected) this.dispatch({ type: 'socket-connected' });
  };
  private readonly onOffline = (): void => {
    this.dispatch({ type: 'browser-offline' });
    // The socket may take up to 30 s to notice; meanwhile others' carets would stand frozen where they
    // were. Forget them now: the server sends them afresh when we are back.
    const others = [...this.provider.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    if (others.length > 0) removeAwarenessStates(this.provider.awareness, others, 'offline');
  };

  /** Tell the others we left right away instead of letting our caret linger for 30 s. */
  private readonly onPageHide = (): void => {
    removeAwarenessStates(this.provider.awareness, [this.doc.clientID], 'window unload');
  };

  /**
   * y-websocket re-sends *every* awareness change it sees — including other people's states it just
   * received and their timeouts — so each change echoes once per connected client. The server only
   * accepts a connection's own client id (and logs the rest as refused). Forward only our own entry.
   */
  private forwardOwnAwarenessOnly(): void {
    this.provider.awareness.off('update', this.provider._awarenessUpdateHandler);
    this.provider.awareness.on('update', this.onAwarenessUpdate);
  }

  private readonly onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const self = this.doc.clientID;
    const mine = (ids: number[]) => ids.filter((id) => id === self);
    const own = { added: mine(changes.added), updated: mine(changes.updated), removed: mine(changes.removed) };
    if (own.added.length + own.updated.length + own.removed.length > 0) {
      this.provider._awarenessUpdateHandler(own, origin);
    }
  };

  /** y-protocols' query-awareness message (type 3, nothing else): the server answers with every state. */
  private queryAwareness(): void {
    this.provider.ws?.send(new Uint8Array([3]));
  }

  private markReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.emit();
  }

  private dispatch(event: ConnectionEvent): void {
    const next = nextConnection(this.connection, event);
    if (next === this.connection) return;
    this.connection = next;
    this.emit();
  }

  private computeSnapshot(): SessionSnapshot {
    const save = computeSaveState(
      this.connection.kind,
      Y.decodeStateVector(Y.encodeStateVector(this.doc)),
      this.tracker.server,
    );
    return { connection: this.connection, save, ready: this.ready };
  }

  private emit(): void {
    if (this.destroyed) return;
    const next = this.computeSnapshot();
    const prev = this.snapshot;
    // Keep the same object when nothing visible changed, so React skips the render (this runs per keystroke).
    if (next.connection === prev.connection && next.save === prev.save && next.ready === prev.ready) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}
