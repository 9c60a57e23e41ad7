import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenError, TokenVerifier, checkAccess, importTokenKey, signToken, verifyToken } from '../../src/auth/tokens.js';
import { toErrorAnswer } from '../../src/http/errors.js';

const key = new TextEncoder().encode('k'.repeat(40));
const otherKey = new TextEncoder().encode('o'.repeat(40));
const now = new Date('2026-11-24T12:00:00Z');
const doc = { id: 'docAAAAAAAAA', linkGeneration: 2 };

/** The refusal code of a check (or 'ok'). */
function codeOf(check: () => unknown): string {
  try {
    check();
    return 'ok';
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

describe('share-link tokens', () => {
  it('[R5] round-trips claims, edit implies view', async () => {
    const token = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2 }, now);
    const claims = verifyToken(key, token, now);
    expect(claims).toEqual({ docId: doc.id, scope: 'edit', generation: 2 });
    expect(() => checkAccess(claims, doc, 'view')).not.toThrow();
    expect(() => checkAccess(claims, doc, 'edit')).not.toThrow();
  });

  it('[R5] refuses missing, tampered, wrong-key, alg:none and non-HS256 tokens', async () => {
    const token = await signToken(key, { docId: doc.id, scope: 'view', generation: 2 }, now);
    expect(codeOf(() => verifyToken(key, undefined, now))).toBe('token_missing');
    expect(codeOf(() => verifyToken(key, 'not.a.jwt', now))).toBe('token_invalid');
    const [h, p, s] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ doc: doc.id, scope: 'edit', gen: 2 })).toString('base64url');
    expect(codeOf(() => verifyToken(key, `${h}.${forgedPayload}.${s}`, now))).toBe('token_invalid');
    expect(codeOf(() => verifyToken(otherKey, token, now))).toBe('token_invalid');
    const none = new UnsecuredJWT({ doc: doc.id, scope: 'edit', gen: 2 }).encode();
    expect(codeOf(() => verifyToken(key, none, now))).toBe('token_invalid');
    const hs512 = await new SignJWT({ doc: doc.id, scope: 'edit', gen: 2 }).setProtectedHeader({ alg: 'HS512' }).sign(key);
    expect(codeOf(() => verifyToken(key, hs512, now))).toBe('token_invalid');
    const noScope = await new SignJWT({ doc: doc.id, gen: 2 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(codeOf(() => verifyToken(key, noScope, now))).toBe('token_invalid');
    expect(p).toBeTruthy();
  });

  it('[R4] expiry is judged against the clock passed in', async () => {
    const expiresAt = Math.floor(now.getTime() / 1000) + 60;
    const token = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2, expiresAt }, now);
    expect(verifyToken(key, token, now).expiresAt).toBe(expiresAt);
    expect(codeOf(() => verifyToken(key, token, new Date(now.getTime() + 61_000)))).toBe('token_expired');
  });

  it('[R3] wrong document, old generation and view-for-edit are refused with their own codes', async () => {
    const view = verifyToken(key, await signToken(key, { docId: doc.id, scope: 'view', generation: 2 }, now), now);
    const old = verifyToken(key, await signToken(key, { docId: doc.id, scope: 'edit', generation: 1 }, now), now);
    const other = verifyToken(key, await signToken(key, { docId: 'docBBBBBBBBB', scope: 'edit', generation: 2 }, now), now);
    const code = (fn: () => void) => {
      try {
        fn();
        return 'ok';
      } catch (error) {
        // The status is the HTTP boundary's mapping of the code (requests and upgrades alike).
        return (error as TokenError).code + ':' + toErrorAnswer(error, () => undefined).status;
      }
    };
    expect(code(() => checkAccess(view, doc, 'edit'))).toBe('forbidden:403');
    expect(code(() => checkAccess(old, doc, 'view'))).toBe('token_revoked:401');
    expect(code(() => checkAccess(other, doc, 'view'))).toBe('wrong_document:403');
  });
});

describe('TokenVerifier (the server\'s key imported once for minting, verified tokens remembered)', () => {
  it('[R5] a key imported once mints the same tokens as the raw secret, and they verify', async () => {
    const imported = await importTokenKey(key);
    const fromRaw = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2 }, now);
    const fromImported = await signToken(imported, { docId: doc.id, scope: 'edit', generation: 2 }, now);
    expect(fromImported).toBe(fromRaw);
    expect(verifyToken(key, fromImported, now)).toEqual({ docId: doc.id, scope: 'edit', generation: 2 });
    expect(codeOf(() => verifyToken(otherKey, fromImported, now))).toBe('token_invalid');
  });

  it('[R5] refuses every forgery however often it is tried, and remembers none', async () => {
    const verifier = new TokenVerifier(key);
    const remembered = (verifier as unknown as { remembered: Map<string, unknown> }).remembered;
    const good = await signToken(key, { docId: doc.id, scope: 'view', generation: 2 }, now);
    const [h, , s] = good.split('.');
    const forgeries = [
      `${h}.${Buffer.from(JSON.stringify({ doc: doc.id, scope: 'edit', gen: 2 })).toString('base64url')}.${s}`,
      await signToken(otherKey, { docId: doc.id, scope: 'edit', generation: 2 }, now),
      new UnsecuredJWT({ doc: doc.id, scope: 'edit', gen: 2 }).encode(),
      await new SignJWT({ doc: doc.id, scope: 'edit', gen: 2 }).setProtectedHeader({ alg: 'HS512' }).sign(key),
      await new SignJWT({ doc: doc.id, gen: 2 }).setProtectedHeader({ alg: 'HS256' }).sign(key),
      await new SignJWT({ doc: doc.id, scope: 'edit', gen: 2, exp: 'soon' as unknown as number }).setProtectedHeader({ alg: 'HS256' }).sign(key),
      'not.a.jwt',
      `${good}x`,
      `${good}.`,
    ];
    for (let round = 0; round < 3; round++) {
      expect(verifier.verify(good, now)).toEqual({ docId: doc.id, scope: 'view', generation: 2 });
      expect(codeOf(() => verifier.verify(undefined, now))).toBe('token_missing');
      expect(codeOf(() => verifier.verify('', now))).toBe('token_missing');
      for (const forged of forgeries) expect(codeOf(() => verifier.verify(forged, now)), forged).toBe('token_invalid');
      expect([...remembered.keys()]).toEqual([good]);
    }
  });

  it('[R4] a remembered token still expires against the clock of each call; a failed one is not remembered', async () => {
    const verifier = new TokenVerifier(key);
    const expiresAt = Math.floor(now.getTime() / 1000) + 60;
    const token = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2, expiresAt }, now);
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    expect(verifier.verify(token, now).expiresAt).toBe(expiresAt);
    expect(verifier.verify(token, at(59)).expiresAt).toBe(expiresAt);
    // jose's rule: expired from `exp` itself on (whole seconds).
    expect(codeOf(() => verifier.verify(token, at(60)))).toBe('token_expired');
    expect(codeOf(() => verifyToken(key, token, at(60)))).toBe('token_expired');
    expect(codeOf(() => verifier.verify(token, at(3600)))).toBe('token_expired');
    // An injected clock may go back: the remembered signature check is reused, the expiry is judged again.
    expect(verifier.verify(token, at(1)).scope).toBe('edit');

    // Verified first when already expired: refused, and not remembered as good for an earlier clock either.
    const late = new TokenVerifier(key);
    expect(codeOf(() => late.verify(token, at(61)))).toBe('token_expired');
    expect(late.verify(token, now).expiresAt).toBe(expiresAt);
  });

  it('[R3] remembered claims are checked against the document\'s current generation every time', async () => {
    const verifier = new TokenVerifier(key);
    const token = await signToken(key, { docId: doc.id, scope: 'edit', generation: 2 }, now);
    const claims = verifier.verify(token, now);
    expect(() => checkAccess(claims, doc, 'edit')).not.toThrow();
    const again = verifier.verify(token, now);
    expect(again).toBe(claims);
    expect(Object.isFrozen(again)).toBe(true);
    expect(() => checkAccess(again, { ...doc, linkGeneration: 3 }, 'view')).toThrow(TokenError);
  });

  it('stays bounded: past its capacity the least recently used token is verified again, and still verifies', async () => {
    const verifier = new TokenVerifier(key, 3);
    const tokens = await Promise.all(
      Array.from({ length: 5 }, (_, i) => signToken(key, { docId: `doc${i}AAAAAAAAA`, scope: 'view', generation: i }, now)),
    );
    for (const token of tokens) verifier.verify(token, now);
    expect((verifier as unknown as { remembered: Map<string, unknown> }).remembered.size).toBe(3);
    for (const [i, token] of tokens.entries()) expect(verifier.verify(token, now).generation).toBe(i);
    expect((verifier as unknown as { remembered: Map<string, unknown> }).remembered.size).toBe(3);
    // Tokens longer than any we mint are checked every time and never kept.
    const long = `${tokens[0]}${'A'.repeat(2000)}`;
    expect(codeOf(() => verifier.verify(long, now))).toBe('token_invalid');
    expect((verifier as unknown as { remembered: Map<string, unknown> }).remembered.has(long)).toBe(false);
  });
});
