import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature [WH3]. */
export const SIGNATURE_HEADER = 'Tandem-Signature';

/** How far a receiver should let the signed time be from its clock (seconds) before refusing a delivery. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * [WH3] `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the time is signed with the body, so
 * a captured delivery cannot be replayed later with a fresh time.
 *
 * @example signatureHeader('s3cret-s3cret-s3cret', '{"type":"document.created"}', 1767225600)
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * What a receiver does (the README shows the same): true when `header` signs `body` with `secret` and its
 * time is within `toleranceSeconds` of `nowSeconds`. Compared in constant time.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
