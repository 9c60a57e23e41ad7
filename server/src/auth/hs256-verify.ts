import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An HS256 JWT's signature and time claims, checked synchronously with node:crypto. jose, which mints every
 * token and verifies them everywhere else, signs through WebCrypto, and its asynchronous HMAC job costs about
 * 0.25 ms of CPU per check: after reading the disk, the largest cost of accepting the first socket of a share
 * link. The rules are jose's `jwtVerify` with `algorithms: ['HS256']`, a little stricter where jose is lax
 * (no `crit` header at all, canonical base64url only); a property test holds the two to the same answers.
 */
export type Hs256Outcome =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; reason: 'invalid' | 'expired' };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function verifyHs256(secret: Uint8Array, token: string, nowSeconds: number): Hs256Outcome {
  const invalid: Hs256Outcome = { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 3) return invalid;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) return invalid;

  const header = jsonObject(headerPart);
  if (!header || header.alg !== 'HS256' || 'crit' in header || 'b64' in header) return invalid;

  // Compared as text with the canonical encoding: one signature, one spelling.
  const expected = Buffer.from(createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest('base64url'));
  const given = Buffer.from(signaturePart);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;

  const payload = jsonObject(payloadPart);
  if (!payload) return invalid;
  const { iat, nbf, exp } = payload;
  if (iat !== undefined && typeof iat !== 'number') return invalid;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds)) return invalid;
  if (exp !== undefined && typeof exp !== 'number') return invalid;
  if (typeof exp === 'number' && exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

/** The JSON object a base64url part encodes; null for anything else. */
function jsonObject(part: string): Record<string, unknown> | null {
  const bytes = Buffer.from(part, 'base64url');
  // Only the canonical spelling of those bytes (no stray trailing bits) is accepted.
  if (bytes.toString('base64url') !== part) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
