import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { PeerSocket } from '../rooms/connection.js';

/**
 * Answers a socket that will not become a WebSocket with an HTTP status (and a JSON body, when given), then
 * closes it for good [H1]. Like ws's abortHandshake it destroys the socket once the answer is flushed, so a
 * peer that keeps its half of the connection open (the server's sockets allow half-open) cannot keep it alive.
 */
export function refuseSocket(socket: Duplex, status: number, body?: object): void {
  if (socket.destroyed) return;
  const json = body === undefined ? '' : JSON.stringify(body);
  const type = body === undefined ? '' : 'Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n${type}Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
}

/**
 * Adapts a `ws` socket to the room's three-method `PeerSocket`. A peer that stops reading would make us
 * queue its messages forever; once `maxBufferedBytes` are waiting it is cut off instead [L5]. A class, not
 * closures: one small object per open socket.
 */
class WsPeer implements PeerSocket {
  constructor(
    private readonly ws: WebSocket,
    /** The connection under `ws` (the one the upgrade handed over): corked around a room's relay [RL4]. */
    private readonly stream: Duplex,
    private readonly maxBufferedBytes: number,
    private readonly onSlowReader: () => void,
  ) {}

  /** While corked, what is sent waits in memory either way: the [L5] check runs once, at `uncork`. */
  private corked = false;

  cork(): void {
    this.corked = true;
    this.stream.cork();
  }

  uncork(): void {
    this.corked = false;
    this.stream.uncork();
    this.cutOffIfBehind();
  }

  send(data: Uint8Array): void {
    const { ws } = this;
    if (ws.readyState !== ws.OPEN) return;
    ws.send(data, { binary: true });
    if (!this.corked) this.cutOffIfBehind();
  }

  /** [L5] A peer that lets more than `maxBufferedBytes` pile up is cut off. */
  private cutOffIfBehind(): void {
    const { ws } = this;
    if (ws.readyState === ws.OPEN && ws.bufferedAmount > this.maxBufferedBytes) {
      this.onSlowReader();
      ws.terminate();
    }
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  whenDrained(fn: () => void): void {
    const { stream } = this;
    if (stream.destroyed) return;
    if (stream.writableLength === 0) return void setImmediate(fn);
    // 'drain' comes only after a write found the buffer past its high-water mark; otherwise look again soon.
    if (stream.writableNeedDrain) stream.once('drain', fn);
    else setTimeout(() => this.whenDrained(fn), DRAIN_POLL_MS).unref();
  }

  close(code: number, reason: string): void {
    const { ws } = this;
    if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) return;
    ws.close(code, reason);
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }
}

/** [RL5] How often a lagging socket whose buffer would not signal 'drain' is looked at again. */
const DRAIN_POLL_MS = 50;

export function wrapSocket(ws: WebSocket, stream: Duplex, maxBufferedBytes: number, onSlowReader: () => void): PeerSocket {
  return new WsPeer(ws, stream, maxBufferedBytes, onSlowReader);
}

/**
 * [H4] Pings every socket each interval and terminates those that did not answer the previous ping, so a
 * peer that vanished without a close frame is cleaned up (and its awareness removed) promptly.
 */
export function startKeepAlive(sockets: Set<WebSocket>, intervalMs: number): () => void {
  const alive = new WeakSet<WebSocket>();
  const seen = new WeakSet<WebSocket>();
  // One listener for every socket (ws calls it with the socket as `this`).
  const onPong = function (this: WebSocket) {
    alive.add(this);
  };
  const timer = setInterval(() => {
    for (const ws of sockets) {
      if (!seen.has(ws)) {
        seen.add(ws);
        alive.add(ws);
        ws.on('pong', onPong);
      }
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
