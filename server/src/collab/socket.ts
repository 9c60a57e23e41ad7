import type { WebSocket } from 'ws';
import type { PeerSocket } from '../rooms/connection.js';

/**
 * Adapts a `ws` socket to the room's three-method `PeerSocket`. A peer that stops reading would make us
 * queue its messages forever; once `maxBufferedBytes` are waiting it is cut off instead [L5].
 */
export function wrapSocket(ws: WebSocket, maxBufferedBytes: number, onSlowReader: () => void): PeerSocket {
  return {
    send(data) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(data, { binary: true });
      if (ws.bufferedAmount > maxBufferedBytes) {
        onSlowReader();
        ws.terminate();
      }
    },
    close(code, reason) {
      if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) return;
      ws.close(code, reason);
    },
    get isOpen() {
      return ws.readyState === ws.OPEN;
    },
  };
}

/**
 * [H4] Pings every socket each interval and terminates those that did not answer the previous ping, so a
 * peer that vanished without a close frame is cleaned up (and its awareness removed) promptly.
 */
export function startKeepAlive(sockets: Set<WebSocket>, intervalMs: number): () => void {
  const alive = new WeakSet<WebSocket>();
  const seen = new WeakSet<WebSocket>();
  const timer = setInterval(() => {
    for (const ws of sockets) {
      if (!seen.has(ws)) {
        seen.add(ws);
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
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
