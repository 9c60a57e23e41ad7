import type { WebSocketServer } from 'ws';
import { refuseSocket } from '../collab/socket.js';
import { reportLimitTrip, type LimitReporting } from '../limits.js';

export interface WebSocketGuardDeps extends LimitReporting {
  /** [L1] The `maxPayload` the WebSocketServer was built with, for the log line. */
  maxMessageBytes: number;
}

/**
 * Answers, counts and logs what `ws` itself refuses: malformed handshakes [H1] and socket-level errors such
 * as a message over the size limit [L1]. Call once, on the server's WebSocketServer.
 */
export function guardWebSockets(wss: WebSocketServer, deps: WebSocketGuardDeps): void {
  const { metrics, logger } = deps;
  // [H1] With a 'wsClientError' listener ws leaves the socket to us: answer like ws would, then close it.
  wss.on('wsClientError', (error, socket) => {
    metrics.errors.inc({ kind: 'malformed_handshake' });
    logger.warn({ err: error.message }, 'rejected a malformed websocket handshake');
    refuseSocket(socket, 400);
  });
  // A socket-level error (e.g. a frame over maxPayload) is answered by ws with a close code; count and log it.
  // One listener shared by every socket.
  const onSocketError = (error: Error & { code?: string }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || error.code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') {
      // [L1] A message (or one frame's declared length) over the limit: ws closes the socket with 1009.
      reportLimitTrip(deps, 'message_size', 'closed a socket that sent a message over MAX_MESSAGE_BYTES', { max: deps.maxMessageBytes });
      metrics.errors.inc({ kind: 'too_big' });
      return;
    }
    metrics.errors.inc({ kind: 'socket' });
    logger.warn({ err: error.message, code: error.code }, 'socket error');
  };
  wss.on('connection', (ws) => ws.on('error', onSocketError));
}
