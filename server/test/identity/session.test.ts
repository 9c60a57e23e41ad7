/** [ID3][ID1] The pure parts of sign-in and stamping: session and login-flow cookies, return paths, names. */
import { describe, expect, it } from 'vitest';
import { readLoginFlow, readSession, safeReturnTo, signLoginFlow, signSession } from '../../src/auth/oidc/session.js';
import { importTokenKey, signToken, verifyToken } from '../../src/auth/tokens.js';
import { stampName } from '../../src/rooms/room-presence.js';

const now = new Date('2026-12-01T12:00:00Z');
const secret = new TextEncoder().encode('k'.repeat(40));
const key = () => importTokenKey(secret);
const user = { sub: 'user-1', name: 'Ada', picture: null };

describe('sessions [ID3]', () => {
  it('[ID3] a session reads back until it expires; a share token is no session and a session no share token', async () => {
    const k = await key();
    const session = await signSession(k, user, now, 60);
    expect(await readSession(k, session, now)).toEqual(user);
    expect(await readSession(k, session, new Date(now.getTime() + 61_000))).toBeNull();
    expect(await readSession(k, undefined, now)).toBeNull();
    const share = await signToken(k, { docId: 'docAAAAAAAAA', scope: 'edit', generation: 0, sub: 'user-1', name: 'Ada' }, now);
    expect(await readSession(k, share, now)).toBeNull();
    expect(() => verifyToken(secret, session, now)).toThrow(expect.objectContaining({ code: 'token_invalid' }));
  });

  it('[ID3] the login flow reads back within 10 minutes only, and is no session', async () => {
    const k = await key();
    const flow = { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/d/abc' };
    const sealed = await signLoginFlow(k, flow, now);
    expect(await readLoginFlow(k, sealed, now)).toEqual(flow);
    expect(await readLoginFlow(k, sealed, new Date(now.getTime() + 11 * 60_000))).toBeNull();
    expect(await readSession(k, sealed, now)).toBeNull();
  });

  it.each([
    ['/d/abc?x=1', '/d/abc?x=1'],
    ['/', '/'],
    [undefined, '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\\\evil.example/', '/'],
    ['/\u0000x', '/'],
    ['/\nSet-Cookie: x', '/'],
    ['relative', '/'],
  ])('[ID3] returnTo %j becomes %j', (given, expected) => {
    expect(safeReturnTo(given)).toBe(expected);
  });
});

describe('stamping [ID1]', () => {
  it('[ID1] forces user.name, keeps other fields, leaves removals and non-objects alone', () => {
    const entry = (state: unknown) => ({ clientId: 1, clock: 2, state: JSON.stringify(state) });
    expect(JSON.parse(stampName(entry({ user: { name: 'Mallory', color: '#112233' }, cursor: 5 }), 'Ada').state)).toEqual({
      user: { name: 'Ada', color: '#112233' },
      cursor: 5,
    });
    expect(JSON.parse(stampName(entry({}), 'Ada').state)).toEqual({ user: { name: 'Ada' } });
    expect(JSON.parse(stampName(entry({ user: 'text' }), 'Ada').state)).toEqual({ user: { name: 'Ada' } });
    expect(stampName(entry(null), 'Ada').state).toBe('null');
    expect(stampName(entry([1]), 'Ada').state).toBe('[1]');
  });
});
