import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT, errors as joseErrors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyHs256 } from '../../src/auth/hs256-verify.js';
import { TokenVerifier } from '../../src/auth/tokens.js';

const secret = new TextEncoder().encode('s'.repeat(40));
const otherSecret = new TextEncoder().encode('o'.repeat(40));
const nowSeconds = 1_790_000_000;
const now = new Date(nowSeconds * 1000);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token signed by hand: any header and payload, even ones jose refuses to mint. */
function handMade(header: unknown, payload: unknown, key = secret): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

/** jose's answer for `token`, in `verifyHs256`'s terms: the reference ours is held to. */
async function joseAnswer(token: string): Promise<ReturnType<typeof verifyHs256>> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: now });
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

describe('[R5] HS256 checks without WebCrypto (verifyHs256)', () => {
  it('accepts what jose mints and refuses every forgery jose refuses', async () => {
    const good = await new SignJWT({ doc: 'd', scope: 'edit' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(nowSeconds).sign(secret);
    expect(verifyHs256(secret, good, nowSeconds)).toEqual({ ok: true, payload: { doc: 'd', scope: 'edit', iat: nowSeconds } });
    const [h, p, s] = good.split('.') as [string, string, string];
    const refused = [
      '', 'a.b', 'a.b.c.d', `${h}.${p}`, `${h}.${p}.`, `${h}..${s}`,
      `${h}.${b64({ doc: 'other', scope: 'edit', iat: nowSeconds })}.${s}`, // payload swapped
      `${h}.${p}.${s.slice(0, -1)}`, // signature cut
      `${h}.${p}.${s}A`, // signature lengthened
      `${h}.${p}.${s}=`, // padding
      `${h}.${p}.${s.slice(0, 20)}+${s.slice(21)}`, // base64, not base64url
      `${h} .${p}.${s}`, // stray character Buffer.from would skip
      await new SignJWT({ doc: 'd', scope: 'edit' }).setProtectedHeader({ alg: 'HS256' }).sign(otherSecret),
      await new SignJWT({ doc: 'd', scope: 'edit' }).setProtectedHeader({ alg: 'HS512' }).sign(new Uint8Array(64).fill(1)),
      new UnsecuredJWT({ doc: 'd', scope: 'edit' }).encode(),
      handMade({ alg: 'none' }, { doc: 'd' }),
      handMade({ alg: 'hs256' }, { doc: 'd' }),
      handMade({ alg: 'HS256', crit: ['b64'], b64: false }, { doc: 'd' }),
      handMade({ alg: 'HS256', b64: false }, { doc: 'd' }),
      handMade(['HS256'], { doc: 'd' }),
      handMade({ alg: 'HS256' }, ['d']),
      handMade({ alg: 'HS256' }, null),
      handMade({ alg: 'HS256' }, 'a string'),
      handMade({ alg: 'HS256' }, { doc: 'd', iat: 'yesterday' }),
      handMade({ alg: 'HS256' }, { doc: 'd', nbf: nowSeconds + 1 }),
      handMade({ alg: 'HS256' }, { doc: 'd', exp: String(nowSeconds + 60) }),
    ];
    for (const token of refused) expect(verifyHs256(secret, token, nowSeconds), token).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says expired exactly when jose does: exp at or before now', () => {
    expect(verifyHs256(secret, handMade({ alg: 'HS256' }, { exp: nowSeconds }), nowSeconds)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyHs256(secret, handMade({ alg: 'HS256' }, { exp: nowSeconds - 1 }), nowSeconds)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyHs256(secret, handMade({ alg: 'HS256' }, { exp: nowSeconds + 1 }), nowSeconds).ok).toBe(true);
    expect(verifyHs256(secret, handMade({ alg: 'HS256' }, { nbf: nowSeconds }), nowSeconds).ok).toBe(true);
  });

  it('gives the same answer as jose for tokens of every shape, intact or with one character changed (property)', async () => {
    const claim = fc.oneof(fc.constant(undefined), fc.integer({ min: nowSeconds - 100, max: nowSeconds + 100 }), fc.string({ maxLength: 3 }), fc.constant(null));
    const payload = fc.record(
      {
        doc: fc.oneof(fc.constantFrom('docAAAAAAAAA', ''), fc.integer()),
        scope: fc.constantFrom('edit', 'comment', 'view', 'admin', 7),
        gen: fc.oneof(fc.nat(5), fc.constant(-1), fc.constant(1.5), fc.string({ maxLength: 2 })),
        exp: claim,
        nbf: claim,
        iat: claim,
        sub: fc.oneof(fc.string({ maxLength: 4 }), fc.constant(42)),
        name: fc.oneof(fc.string({ maxLength: 6 }), fc.constant('   ')),
      },
      { requiredKeys: [] },
    );
    const header = fc.oneof(
      fc.constant<Record<string, unknown>>({ alg: 'HS256', typ: 'JWT' }),
      fc.constant<Record<string, unknown>>({ alg: 'HS256' }),
      fc.constant<Record<string, unknown>>({ alg: 'HS384' }),
      fc.constant<Record<string, unknown>>({ alg: 'none' }),
      fc.constant<Record<string, unknown>>({ alg: 'HS256', kid: 'x' }),
    );
    const mutation = fc.option(fc.record({ at: fc.nat(), to: fc.constantFrom('A', 'b', '_', '-', '.', '0') }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(header, payload, fc.boolean(), mutation, async (h, p, rightKey, change) => {
        const clean = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
        let token = handMade(h, clean, rightKey ? secret : otherSecret);
        if (change) {
          const at = change.at % token.length;
          token = token.slice(0, at) + change.to + token.slice(at + 1);
        }
        const ours = verifyHs256(secret, token, nowSeconds);
        const jose = await joseAnswer(token);
        // Stricter than jose only on spellings: a character that changes no decoded bit (a stray trailing bit).
        if (jose.ok && !ours.ok) {
          const reencoded = token.split('.').map((part) => Buffer.from(part, 'base64url').toString('base64url')).join('.');
          expect(reencoded).not.toBe(token);
          return;
        }
        expect(ours).toEqual(jose);
      }),
      { numRuns: 400 },
    );
  });

  it('TokenVerifier answers through it, remembering verified tokens', () => {
    const token = handMade({ alg: 'HS256', typ: 'JWT' }, { doc: 'docAAAAAAAAA', scope: 'view', gen: 1, exp: nowSeconds + 60 });
    const verifier = new TokenVerifier(secret);
    expect(verifier.verify(token, now)).toEqual({ docId: 'docAAAAAAAAA', scope: 'view', generation: 1, expiresAt: nowSeconds + 60 });
    // Remembered, but expiry is still judged against each call's clock.
    expect(() => verifier.verify(token, new Date((nowSeconds + 60) * 1000))).toThrow(expect.objectContaining({ code: 'token_expired' }));
    expect(() => verifier.verify(handMade({ alg: 'HS256' }, { doc: 'd', scope: 'view' }, otherSecret), now)).toThrow(expect.objectContaining({ code: 'token_invalid' }));
    expect(() => verifier.verify(undefined, now)).toThrow(expect.objectContaining({ code: 'token_missing' }));
  });
});
