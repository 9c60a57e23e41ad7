/**
 * The connection-status state machine. It folds the provider's events (socket status, close codes) and
 * the browser's online/offline events into the one state the status pill shows.
 *
 *   connecting ──connected──▶ connected ──close──▶ reconnecting ──(N failures)──▶ offline
 *        │                        ▲                    │                            │
 *        └──────close─────────────┼────────────────────┘◀─────browser online───────┘
 *                                 └──────────────connected─────────────────────────┘
 *   any ──close 4401/4403/4404──▶ closed (terminal until `restart`)
 *
 * Pure: no timers, no sockets, so every transition is unit-tested.
 */

import { CloseCode } from '@tandem/common';

export type ConnectionState =
  /** First attempt, nothing heard from the server yet. */
  | { kind: 'connecting'; failures: number }
  | { kind: 'connected' }
  /** Lost (or never got) the socket; the provider is retrying with backoff. */
  | { kind: 'reconnecting'; failures: number; cause: RetryCause }
  /** The browser says it is offline, or the server has not answered for several attempts. */
  | { kind: 'offline'; reason: 'browser' | 'unreachable'; failures: number }
  /** The server refused us for good (revoked link, unknown document…). Needs a page-level decision. */
  | { kind: 'closed'; code: number };

/**
 * Why we are retrying: the connection dropped (`lost`), the server is full (1013), or the server closed
 * us over something we sent (1007 malformed, 1008 rate/size limit, 1009 message too big).
 */
export type RetryCause = 'lost' | 'busy' | 'rejected';

export function retryCause(code: number | null): RetryCause {
  if (code === CloseCode.TryAgainLater) return 'busy';
  if (code === CloseCode.InvalidPayload || code === CloseCode.PolicyViolation || code === CloseCode.MessageTooBig) return 'rejected';
  return 'lost';
}

export type ConnectionEvent =
  | { type: 'socket-connecting' }
  | { type: 'socket-connected' }
  /** `code` is null when we closed the socket ourselves (disconnect, watchdog). */
  | { type: 'socket-closed'; code: number | null }
  | { type: 'browser-offline' }
  | { type: 'browser-online' }
  /** After a terminal close was resolved (e.g. we switched to a fresh token) and we connect again.
   *  Only leaves `closed`; in any other state it changes nothing. */
  | { type: 'restart' };

/** Consecutive failed attempts before "reconnecting" becomes "offline" (~5 s with y-websocket's backoff). */
export const UNREACHABLE_AFTER = 5;

/**
 * When to ask the HTTP API why the socket keeps failing. The server refuses a bad token *before* the
 * WebSocket upgrade (HTTP 401/403/404), which the browser reports only as an anonymous failed connection;
 * without asking, a link revoked while we were offline would look like "Reconnecting…" forever.
 * Ask on the 2nd consecutive failure, then every 10th.
 */
export function shouldRecheckAccess(failures: number): boolean {
  return failures === 2 || (failures > 0 && failures % 10 === 0);
}

/** Close codes after which reconnecting cannot help (mirrors y-websocket's 44xx rule). */
export function isTerminalCloseCode(code: number | null): code is number {
  return code !== null && code >= 4400 && code < 4500;
}

export const initialConnection = (online = true): ConnectionState =>
  online ? { kind: 'connecting', failures: 0 } : { kind: 'offline', reason: 'browser', failures: 0 };

function failuresOf(state: ConnectionState): number {
  return 'failures' in state ? state.failures : 0;
}

export function nextConnection(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  if (state.kind === 'closed') {
    return event.type === 'restart' ? { kind: 'connecting', failures: 0 } : state;
  }
  switch (event.type) {
    case 'socket-connected':
      return { kind: 'connected' };
    case 'socket-connecting':
      // A new attempt does not change what we tell the user; only its outcome does.
      return state;
    case 'socket-closed': {
      if (isTerminalCloseCode(event.code)) return { kind: 'closed', code: event.code };
      // A local close while the browser is offline is just the provider noticing; stay offline.
      if (state.kind === 'offline' && state.reason === 'browser') return state;
      const failures = state.kind === 'connected' ? 1 : failuresOf(state) + 1;
      // The server answering with a close code is not "unreachable": keep saying why we retry.
      const cause = retryCause(event.code);
      if (failures >= UNREACHABLE_AFTER && cause === 'lost') return { kind: 'offline', reason: 'unreachable', failures };
      return { kind: 'reconnecting', failures, cause };
    }
    case 'browser-offline':
      return { kind: 'offline', reason: 'browser', failures: failuresOf(state) };
    case 'browser-online':
      return state.kind === 'offline' && state.reason === 'browser'
        ? { kind: 'reconnecting', failures: 0, cause: 'lost' }
        : state;
    case 'restart':
      // Only a terminal close needs restarting; a live or retrying connection is left as it is (a late
      // restart must not turn "connected" back into "connecting" when no new socket event will follow).
      return state;
  }
}

/** The short label in the status pill, plus a longer sentence for its tooltip / screen readers. */
export function describeConnection(state: ConnectionState): { label: string; detail: string } {
  switch (state.kind) {
    case 'connecting':
      return { label: 'Connecting…', detail: 'Connecting to the server.' };
    case 'connected':
      return { label: 'Connected', detail: 'Connected. Changes are shared live.' };
    case 'reconnecting':
      if (state.cause === 'busy') {
        return { label: 'Server busy — retrying…', detail: 'The server is full right now. Retrying automatically.' };
      }
      if (state.cause === 'rejected') {
        return {
          label: 'Server refused a change — retrying…',
          detail:
            'The server refused a change as too large or too fast. Your text is kept on this device. If this does not clear up, undo your last big paste.',
        };
      }
      return { label: 'Reconnecting…', detail: 'Lost the connection. Retrying automatically; your changes are kept on this device.' };
    case 'offline':
      return {
        label: state.reason === 'browser' ? 'Offline' : 'Server unreachable',
        detail:
          state.reason === 'browser'
            ? 'Your device is offline. Changes are kept on this device and merge when you reconnect.'
            : 'The server is unreachable. Changes are kept on this device and merge when it is back.',
      };
    case 'closed':
      return { label: 'Disconnected', detail: 'The server closed the connection.' };
  }
}
