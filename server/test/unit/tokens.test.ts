import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenError, checkAccess, signToken, verifyToken } from '../../src/auth/tokens.js';

const key = new TextEncoder().encode('k'.repeat(40));
const otherKey = new TextEncoder().encode('o'.repeat(40));
const now = new Date('2026-11-24T12:00:00Z');
const doc = { id: 'docAAAAAAAAA', linkGeneration: 2 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

describe('share-link tokens', () => {
  it('[R5] round-trips claims, edit implies view', async () => {
    const token = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2 }, now);
    const claims = await verifyToken(key, token, now);
    expect(claims).toEqual({ docId: doc.id, scope: 'edit', generation: 2 });
    expect(() => checkAccess(claims, doc, 'view')).not.toThrow();
    expect(() => checkAccess(claims, doc, 'edit')).not.toThrow();
  });

  it('[R5] refuses missing, tampered, wrong-key, alg:none and non-HS256 tokens', async () => {
    const token = await signToken(key, { docId: doc.id, scope: 'view', generation: 2 }, now);
    expect(await codeOf(verifyToken(key, undefined, now))).toBe('token_missing');
    expect(await codeOf(verifyToken(key, 'not.a.jwt', now))).toBe('token_invalid');
    const [h, p, s] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ doc: doc.id, scope: 'edit', gen: 2 })).toString('base64url');
    expect(await codeOf(verifyToken(key, `${h}.${forgedPayload}.${s}`, now))).toBe('token_invalid');
    expect(await codeOf(verifyToken(otherKey, token, now))).toBe('token_invalid');
    const none = new UnsecuredJWT({ doc: doc.id, scope: 'edit', gen: 2 }).encode();
    expect(await codeOf(verifyToken(key, none, now))).toBe('token_invalid');
    const hs512 = await new SignJWT({ doc: doc.id, scope: 'edit', gen: 2 }).setProtectedHeader({ alg: 'HS512' }).sign(key);
    expect(await codeOf(verifyToken(key, hs512, now))).toBe('token_invalid');
    const noScope = await new SignJWT({ doc: doc.id, gen: 2 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await codeOf(verifyToken(key, noScope, now))).toBe('token_invalid');
    expect(p).toBeTruthy();
  });

  it('[R4] expiry is judged against the clock passed in', async () => {
    const expiresAt = Math.floor(now.getTime() / 1000) + 60;
    const token = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2, expiresAt }, now);
    expect((await verifyToken(key, token, now)).expiresAt).toBe(expiresAt);
    expect(await codeOf(verifyToken(key, token, new Date(now.getTime() + 61_000)))).toBe('token_expired');
  });

  it('[R3] wrong document, old generation and view-for-edit are refused with their own codes', async () => {
    const view = await verifyToken(key, await signToken(key, { docId: doc.id, scope: 'view', generation: 2 }, now), now);
    const old = await verifyToken(key, await signToken(key, { docId: doc.id, scope: 'edit', generation: 1 }, now), now);
    const other = await verifyToken(key, await signToken(key, { docId: 'docBBBBBBBBB', scope: 'edit', generation: 2 }, now), now);
    const code = (fn: () => void) => {
      try {
        fn();
        return 'ok';
      } catch (error) {
        return (error as TokenError).code + ':' + (error as TokenError).status;
      }
    };
    expect(code(() => checkAccess(view, doc, 'edit'))).toBe('forbidden:403');
    expect(code(() => checkAccess(old, doc, 'view'))).toBe('token_revoked:401');
    expect(code(() => checkAccess(other, doc, 'view'))).toBe('wrong_document:403');
  });
});
