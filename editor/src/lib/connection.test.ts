import { describe, expect, it } from 'vitest';
import {
  type ConnectionEvent,
  type ConnectionState,
  UNREACHABLE_AFTER,
  describeConnection,
  initialConnection,
  isTerminalCloseCode,
  nextConnection,
  shouldRecheckAccess,
} from './connection';

const run = (events: ConnectionEvent[], from: ConnectionState = initialConnection()) => events.reduce(nextConnection, from);
const closed = (code: number | null): ConnectionEvent => ({ type: 'socket-closed', code });

describe('connection state machine', () => {
  it('starts connecting, or offline when the browser is offline', () => {
    expect(initialConnection(true).kind).toBe('connecting');
    expect(initialConnection(false)).toEqual({ kind: 'offline', reason: 'browser', failures: 0 });
  });

  it('goes connecting → connected', () => {
    expect(run([{ type: 'socket-connecting' }, { type: 'socket-connected' }])).toEqual({ kind: 'connected' });
  });

  it('a dropped connection is "reconnecting", and connecting again recovers', () => {
    const lost = run([{ type: 'socket-connected' }, closed(1006)]);
    expect(lost).toEqual({ kind: 'reconnecting', failures: 1, cause: 'lost' });
    expect(run([{ type: 'socket-connecting' }, { type: 'socket-connected' }], lost)).toEqual({ kind: 'connected' });
  });

  it('keeps the same state object for a new attempt (no re-render per retry)', () => {
    const lost = run([{ type: 'socket-connected' }, closed(1006)]);
    expect(nextConnection(lost, { type: 'socket-connecting' })).toBe(lost);
  });

  it(`becomes "offline (unreachable)" after ${UNREACHABLE_AFTER} failed attempts in a row`, () => {
    const events = Array.from({ length: UNREACHABLE_AFTER }, () => closed(1006));
    expect(run(events.slice(0, -1)).kind).toBe('reconnecting');
    expect(run(events)).toEqual({ kind: 'offline', reason: 'unreachable', failures: UNREACHABLE_AFTER });
    expect(run([...events, { type: 'socket-connected' }])).toEqual({ kind: 'connected' });
  });

  it('treats 1013 (too many connections) as busy and keeps retrying', () => {
    const events = Array.from({ length: UNREACHABLE_AFTER + 2 }, () => closed(1013));
    expect(run(events)).toMatchObject({ kind: 'reconnecting', cause: 'busy' });
  });

  it.each([1007, 1008, 1009])('says the server refused a change after close %i, and keeps retrying', (code) => {
    const events = Array.from({ length: UNREACHABLE_AFTER + 2 }, () => closed(code));
    const state = run([{ type: 'socket-connected' }, ...events]);
    expect(state).toMatchObject({ kind: 'reconnecting', cause: 'rejected' });
    expect(describeConnection(state).label).toMatch(/refused a change/);
  });

  it('treats 1001 (server shutting down) and local closes as transient', () => {
    expect(run([{ type: 'socket-connected' }, closed(1001)]).kind).toBe('reconnecting');
    expect(run([{ type: 'socket-connected' }, closed(null)]).kind).toBe('reconnecting');
  });

  it.each([4401, 4403, 4404])('close code %i is terminal until restart', (code) => {
    const state = run([{ type: 'socket-connected' }, closed(code)]);
    expect(state).toEqual({ kind: 'closed', code });
    expect(run([{ type: 'socket-connected' }, { type: 'browser-online' }, closed(1006)], state)).toBe(state);
    expect(nextConnection(state, { type: 'restart' })).toEqual({ kind: 'connecting', failures: 0 });
  });

  it('follows the browser going offline and online', () => {
    const offline = run([{ type: 'socket-connected' }, { type: 'browser-offline' }]);
    expect(offline).toMatchObject({ kind: 'offline', reason: 'browser' });
    // The provider noticing the dead socket does not turn "offline" into "reconnecting".
    expect(nextConnection(offline, closed(null))).toBe(offline);
    expect(nextConnection(offline, { type: 'browser-online' })).toEqual({ kind: 'reconnecting', failures: 0, cause: 'lost' });
  });

  it('restart only leaves a terminal close', () => {
    const connected = run([{ type: 'socket-connected' }]);
    expect(nextConnection(connected, { type: 'restart' })).toBe(connected);
    const retrying = run([{ type: 'socket-connected' }, closed(1006)]);
    expect(nextConnection(retrying, { type: 'restart' })).toBe(retrying);
  });

  it('browser-online does not disturb a healthy connection', () => {
    const connected = run([{ type: 'socket-connected' }]);
    expect(nextConnection(connected, { type: 'browser-online' })).toBe(connected);
  });

  it('rechecks access over HTTP on the 2nd failure in a row, then every 10th', () => {
    const hits = Array.from({ length: 31 }, (_, i) => i).filter(shouldRecheckAccess);
    expect(hits).toEqual([2, 10, 20, 30]);
  });

  it('classifies terminal close codes like y-websocket', () => {
    expect(isTerminalCloseCode(4401)).toBe(true);
    expect(isTerminalCloseCode(4499)).toBe(true);
    expect(isTerminalCloseCode(4500)).toBe(false);
    expect(isTerminalCloseCode(1008)).toBe(false);
    expect(isTerminalCloseCode(null)).toBe(false);
  });

  it('describes every state', () => {
    expect(describeConnection({ kind: 'connected' }).label).toBe('Connected');
    expect(describeConnection({ kind: 'reconnecting', failures: 1, cause: 'lost' }).label).toBe('Reconnecting…');
    expect(describeConnection({ kind: 'reconnecting', failures: 1, cause: 'busy' }).label).toMatch(/busy/);
    expect(describeConnection({ kind: 'offline', reason: 'browser', failures: 0 }).detail).toMatch(/device is offline/);
    expect(describeConnection({ kind: 'offline', reason: 'unreachable', failures: 5 }).detail).toMatch(/unreachable/);
  });
});
