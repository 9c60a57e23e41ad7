import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { now, sha1 } from './util.js';

/**
 * One benchmark client: a real Y.Doc speaking a server's own wire format over `ws`. The same code drives
 * every server; only the framing differs:
 *  - `yws`   the y-websocket protocol (Tandem, @y/websocket-server): `[type, ...]` per frame.
 *  - `hocus` Hocuspocus: every frame starts with the document name; the client authenticates first
 *            (`[name, 2 Auth, 0 Token, token, version]`), replies use type 0, the server adds SyncReply (4),
 *            SyncStatus (8) acks and CLOSE (7). Encoded here from @hocuspocus/server's source.
 *  - `relay` the y-websocket frames through the raw relay: no server state, so no handshake.
 *
 * Edits carry their send time: each edit inserts into the Y.Text `bench` and, in the same transaction,
 * pushes `[client, seq, sentAtMs]` to the Y.Array `marks`; a receiver records the delay at the end of the
 * transaction that integrated it (`afterTransaction`), i.e. the moment the edit is in its document.
 */
export type Proto = 'yws' | 'hocus' | 'relay';

export interface Target {
  proto: Proto;
  port: number;
  /** Tandem puts the document id in the path and the token in the query. */
  tandem: boolean;
}

export interface ClientSpec {
  doc: string;
  token?: string;
  /** Stable client number, used in marks. */
  cnum: number;
  /** Connect to this port instead of the target's (the "instances" scenario: one of several Tandem instances). */
  port?: number;
}

export type Mark = [cnum: number, seq: number, sentAt: number];

const HOCUS = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, SyncReply: 4, Stateless: 5, Close: 7, SyncStatus: 8 };

export function clientUrl(target: Target, spec: ClientSpec): string {
  const base = `ws://127.0.0.1:${spec.port ?? target.port}`;
  if (target.tandem) return `${base}/collab/${spec.doc}?token=${encodeURIComponent(spec.token ?? '')}`;
  if (target.proto === 'hocus') return `${base}/`;
  return `${base}/${spec.doc}`;
}

export interface ClientOptions {
  awareness?: boolean;
  /** Called for every mark from another client as it is integrated. */
  onMark?: (mark: Mark, receivedAt: number, receiver: BenchClient) => void;
  /** Called when the socket closes before `close()` was called. */
  onLost?: (code: number, reason: string) => void;
  /**
   * A probing client (the intake curve): after its own sync it answers no sync step1 and applies no step2 —
   * its `probe()`s are measurements, not resyncs, and must add no work — and reports every step2 that
   * arrives, i.e. the answer to a probe, which the server sends only once it has handled everything before it.
   */
  onProbeReply?: (receivedAt: number) => void;
}

export class BenchClient {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText('bench');
  readonly marks = this.doc.getArray<Mark>('marks');
  readonly awareness: awarenessProtocol.Awareness | null;
  readonly ws: WebSocket;
  readonly synced: Promise<void>;
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  seq = 0;
  private pos = 0;
  private closing = false;
  private resolveSynced!: () => void;
  private rejectSynced!: (error: Error) => void;
  /** Set once the sync handshake is complete (step2 received). */
  isSynced = false;
  openedAt = 0;
  syncedAt = 0;
  /** When the first sync step2 frame arrived (before it was applied). */
  step2ArrivedAt = 0;

  constructor(
    readonly target: Target,
    readonly spec: ClientSpec,
    private readonly options: ClientOptions = {},
  ) {
    this.awareness = options.awareness ? new awarenessProtocol.Awareness(this.doc) : null;
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    // Callers await `synced`; a failure before that must not also surface as an unhandled rejection.
    this.synced.catch(() => undefined);
    const startedAt = now();
    this.ws = new WebSocket(clientUrl(target, spec), { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      this.openedAt = now() - startedAt;
      this.onOpen();
    });
    this.ws.on('message', (data: Buffer) => this.onFrame(data));
    this.ws.on('error', (error) => this.fail(error));
    this.ws.on('close', (code, reason) => {
      this.fail(new Error(`socket closed ${code} ${reason.toString()}`));
      if (!this.closing) this.options.onLost?.(code, reason.toString());
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      this.send((e) => {
        encoding.writeVarUint(e, 0);
        syncProtocol.writeUpdate(e, update);
      });
    });
    if (this.awareness) {
      this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        if (origin !== 'local') return;
        const changed = added.concat(updated, removed);
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness!, changed);
        this.send((e) => {
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint8Array(e, update);
        });
      });
    }
    if (options.onMark) {
      // Read the marks straight from the structs the remote transaction added (O(new items)); Yjs's
      // `event.changes` walks the whole array on every event, which would make clients slower as the
      // document grows and turn long runs into a benchmark of the load generator.
      const onMark = options.onMark;
      const marksType = this.marks as unknown as Y.AbstractType<unknown>;
      this.doc.on('afterTransaction', (tr: Y.Transaction) => {
        if (tr.local) return;
        let at = 0;
        tr.afterState.forEach((after, client) => {
          const before = tr.beforeState.get(client) ?? 0;
          if (after <= before) return;
          const structs = this.doc.store.clients.get(client)!;
          for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
            const struct = structs[i]!;
            if (struct instanceof Y.Item && struct.parent === marksType && struct.content instanceof Y.ContentAny && !struct.deleted) {
              at ||= now();
              for (const mark of struct.content.arr as Mark[]) onMark(mark, at, this);
            }
          }
        });
      });
    }
  }

  private fail(error: Error): void {
    if (!this.isSynced) this.rejectSynced(error);
  }

  private markSynced(): void {
    if (this.isSynced) return;
    this.isSynced = true;
    this.syncedAt = now();
    this.pos = Math.floor(Math.random() * (this.text.length + 1));
    this.resolveSynced();
  }

  /** Frames one message in this server's format (document-name prefix for Hocuspocus) and sends it. */
  private send(write: (encoder: encoding.Encoder) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    if (this.target.proto === 'hocus') encoding.writeVarString(e, this.spec.doc);
    write(e);
    this.ws.send(encoding.toUint8Array(e));
    this.framesOut++;
  }

  private onOpen(): void {
    const { proto } = this.target;
    if (proto === 'hocus') {
      this.send((e) => {
        encoding.writeVarUint(e, HOCUS.Auth);
        encoding.writeVarUint(e, 0); // AuthMessageType.Token
        encoding.writeVarString(e, this.spec.token ?? 'bench');
        encoding.writeVarString(e, '4.7.0');
      });
    }
    if (proto === 'relay') {
      // The relay holds no state: every client starts empty and sees every later edit.
      this.markSynced();
      return;
    }
    this.send((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, this.doc);
    });
  }

  private onFrame(data: Buffer): void {
    this.framesIn++;
    this.bytesIn += data.byteLength;
    const decoder = decoding.createDecoder(data);
    if (this.target.proto === 'hocus') decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case 0:
      case HOCUS.SyncReply: {
        if (type === HOCUS.SyncReply && this.target.proto !== 'hocus') throw new Error(`unexpected message type ${type}`);
        const incoming = data[decoder.pos];
        if (!this.step2ArrivedAt && incoming === syncProtocol.messageYjsSyncStep2) this.step2ArrivedAt = now();
        if (this.options.onProbeReply && this.isSynced) {
          if (incoming === syncProtocol.messageYjsSyncStep2) this.options.onProbeReply(now());
          return;
        }
        const reply = encoding.createEncoder();
        const syncType = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
        if (syncType === syncProtocol.messageYjsSyncStep2) this.markSynced();
        if (encoding.length(reply) > 0) {
          const body = encoding.toUint8Array(reply);
          this.send((e) => {
            encoding.writeVarUint(e, 0);
            encoding.writeUint8Array(e, body);
          });
        }
        return;
      }
      case 1: {
        const update = decoding.readVarUint8Array(decoder);
        if (this.awareness) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this);
        return;
      }
      case 2: {
        if (this.target.proto === 'hocus') {
          const authType = decoding.readVarUint(decoder);
          if (authType === 2) return; // authenticated
          this.fail(new Error(`permission denied: ${decoding.readVarString(decoder)}`));
          return;
        }
        this.fail(new Error('permission denied'));
        return;
      }
      case 3:
      case HOCUS.Stateless:
      case HOCUS.SyncStatus:
        return;
      case HOCUS.Close:
        if (this.target.proto === 'hocus') {
          this.fail(new Error(`server closed the document: ${decoding.readVarString(decoder)}`));
          return;
        }
        throw new Error(`unexpected message type ${type}`);
      default:
        throw new Error(`unexpected message type ${type}`);
    }
  }

  /** One keystroke: a character at this client's cursor plus its mark, as one transaction (one update). */
  type(ch = 'x'): void {
    const seq = ++this.seq;
    const pos = Math.min(this.pos, this.text.length);
    this.doc.transact(() => {
      this.text.insert(pos, ch);
      this.marks.push([[this.spec.cnum, seq, now()]]);
    });
    this.pos = pos + 1;
  }

  /**
   * Asks the server for what a replica at `stateVector` lacks (a sync step1): its answer, a step2, comes after
   * everything sent before on this socket has been handled (see `onProbeReply`). Through the raw relay it is
   * another client of the document that answers.
   */
  probe(stateVector: Uint8Array): void {
    this.send((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
      encoding.writeVarUint8Array(e, stateVector);
    });
  }

  /** Sends an update made elsewhere (a prepared replay) as this client's own, in one sync-update message. */
  sendUpdate(update: Uint8Array): void {
    this.send((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
    });
  }

  /** Moves this client's cursor in its awareness state (one awareness message). */
  moveCursor(): void {
    if (!this.awareness) return;
    const rel = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(this.text, Math.min(this.pos, this.text.length)));
    this.awareness.setLocalStateField('cursor', { anchor: rel, head: rel });
  }

  setUser(name: string): void {
    this.awareness?.setLocalStateField('user', { name, color: `#${((this.spec.cnum * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}` });
  }

  /** Content fingerprint for convergence checks. */
  digest(): { text: string; marks: number; sv: string } {
    return { text: sha1(this.text.toString()), marks: this.marks.length, sv: sha1(Y.encodeStateVector(this.doc)) };
  }

  close(): Promise<void> {
    this.closing = true;
    this.awareness?.destroy();
    return new Promise<void>((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) {
        this.doc.destroy();
        return resolve();
      }
      const timer = setTimeout(() => {
        this.ws.terminate();
      }, 3000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        this.doc.destroy();
        resolve();
      });
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close(1000);
    });
  }
}
