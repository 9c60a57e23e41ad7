import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { WebsocketProvider } from 'y-websocket';
import { readServerStateVector } from '../lib/savedState';
import { CHECK_DEBOUNCE_MS, CHECK_MAX_WAIT_MS, SaveTracker } from './saveTracker';

/** Just enough of a WebSocket: records what is sent, and lets the test deliver server messages. */
class FakeSocket extends EventTarget {
  readyState = 1; // OPEN
  sent: Uint8Array[] = [];
  send(data: Uint8Array) {
    this.sent.push(data);
  }
  deliver(bytes: Uint8Array) {
    const event = new MessageEvent('message', { data: bytes.slice().buffer });
    this.dispatchEvent(event);
  }
}

/** Just enough of y-websocket's provider: status events, the current socket, `wsconnected`. */
class FakeProvider {
  ws: FakeSocket | null = null;
  wsconnected = false;
  private handlers = new Map<string, Set<(arg: unknown) => void>>();
  on(name: string, fn: (arg: unknown) => void) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name)?.add(fn);
  }
  off(name: string, fn: (arg: unknown) => void) {
    this.handlers.get(name)?.delete(fn);
  }
  connect(): FakeSocket {
    this.ws = new FakeSocket();
    this.emit('status', { status: 'connecting' });
    this.wsconnected = true;
    this.emit('status', { status: 'connected' });
    return this.ws;
  }
  drop() {
    this.ws = null;
    this.wsconnected = false;
    this.emit('status', { status: 'disconnected' });
  }
  private emit(name: string, arg: unknown) {
    for (const fn of this.handlers.get(name) ?? []) fn(arg);
  }
}

function step1Of(doc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 0);
  syncProtocol.writeSyncStep1(enc, doc);
  return encoding.toUint8Array(enc);
}

describe('SaveTracker', () => {
  let doc: Y.Doc;
  let server: Y.Doc;
  let provider: FakeProvider;
  let tracker: SaveTracker;
  let changes: number;

  beforeEach(() => {
    vi.useFakeTimers();
    doc = new Y.Doc();
    server = new Y.Doc();
    provider = new FakeProvider();
    changes = 0;
    tracker = new SaveTracker(doc, provider as unknown as WebsocketProvider, () => changes++);
  });
  afterEach(() => {
    tracker.destroy();
    vi.useRealTimers();
  });

  /** The server persisted everything we have and answers our step 1 with its own. */
  const serverCatchesUpAndAnswers = (ws: FakeSocket) => {
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
    ws.deliver(step1Of(server));
  };

  it('is not saved until the server tells us its state vector', () => {
    provider.connect();
    expect(tracker.server).toBeNull();
    expect(tracker.isSaved()).toBe(false);
  });

  it('after a local edit, waits for a pause, then asks the server with a sync step 1', () => {
    const ws = provider.connect();
    ws.deliver(step1Of(server));
    expect(tracker.isSaved()).toBe(true);

    doc.getText('t').insert(0, 'hello');
    expect(tracker.isSaved()).toBe(false);
    expect(ws.sent).toHaveLength(0);
    vi.advanceTimersByTime(CHECK_DEBOUNCE_MS - 1);
    expect(ws.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(ws.sent).toHaveLength(1);
    expect(readServerStateVector(ws.sent[0] as Uint8Array)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));

    serverCatchesUpAndAnswers(ws);
    expect(tracker.isSaved()).toBe(true);
    expect(changes).toBeGreaterThan(0);
  });

  it('asks at least every CHECK_MAX_WAIT_MS while someone types without pause', () => {
    const ws = provider.connect();
    ws.deliver(step1Of(server));
    for (let t = 0; t < CHECK_MAX_WAIT_MS + 100; t += 100) {
      doc.getText('t').insert(0, 'x');
      vi.advanceTimersByTime(100);
    }
    expect(ws.sent.length).toBeGreaterThanOrEqual(1);
  });

  it('does not count a step 1 answer that predates our latest edits', () => {
    const ws = provider.connect();
    doc.getText('t').insert(0, 'one');
    serverCatchesUpAndAnswers(ws);
    doc.getText('t').insert(0, 'two ');
    expect(tracker.isSaved()).toBe(false);
  });

  it('re-asks when the answer shows the server is still behind (offline edits sent after its step 1)', () => {
    const ws = provider.connect();
    doc.getText('t').insert(0, 'offline edit');
    vi.advanceTimersByTime(CHECK_DEBOUNCE_MS);
    const asked = ws.sent.length;
    ws.deliver(step1Of(server)); // server has nothing yet
    expect(tracker.isSaved()).toBe(false);
    vi.advanceTimersByTime(CHECK_DEBOUNCE_MS);
    expect(ws.sent.length).toBe(asked + 1);
    serverCatchesUpAndAnswers(ws);
    expect(tracker.isSaved()).toBe(true);
  });

  it('treats updates that came from the server as already held by it (no "Saving…" for others’ typing)', () => {
    const ws = provider.connect();
    ws.deliver(step1Of(server));
    const peer = new Y.Doc();
    peer.getText('t').insert(0, 'from a collaborator');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer), provider);
    expect(tracker.isSaved()).toBe(true);
    expect(ws.sent).toHaveLength(0);
  });

  it('sends nothing while offline and forgets the old answer on reconnect', () => {
    const ws = provider.connect();
    ws.deliver(step1Of(server));
    provider.drop();
    doc.getText('t').insert(0, 'typed offline');
    vi.advanceTimersByTime(CHECK_MAX_WAIT_MS * 2);
    expect(ws.sent).toHaveLength(0);
    const ws2 = provider.connect();
    expect(tracker.server).toBeNull();
    serverCatchesUpAndAnswers(ws2);
    expect(tracker.isSaved()).toBe(true);
  });

  it('ignores messages from a socket that is no longer current', () => {
    const old = provider.connect();
    provider.drop();
    provider.connect();
    old.deliver(step1Of(server));
    expect(tracker.server).toBeNull();
  });
});
