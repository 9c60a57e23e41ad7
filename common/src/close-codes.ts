/** WebSocket close codes the server uses; see server/SPEC.md §C. */
export const CloseCode = {
  /** Server shutting down: reconnect elsewhere/later. */
  GoingAway: 1001,
  /** A text frame or an unknown message type. */
  UnsupportedData: 1003,
  /** A malformed message or an update that does not apply. */
  InvalidPayload: 1007,
  /** A limit: message rate, document size, a reader too slow to keep up. */
  PolicyViolation: 1008,
  /** A frame over MAX_MESSAGE_BYTES (sent by `ws` itself). */
  MessageTooBig: 1009,
  /** Storage failed: nothing was acknowledged; reconnect to resend. */
  InternalError: 1011,
  /** Too many connections (document or server): try again later. */
  TryAgainLater: 1013,
  /** The token expired or the document's links were reset while connected. */
  TokenRevoked: 4401,
  /** An update the link's scope does not allow (a comment link changing more than its comments). */
  ScopeRefused: 4403,
  /** The document was deleted [DEL4]: it is gone for good, do not reconnect. */
  DocumentDeleted: 4404,
} as const;
