/**
 * Telling a database that is away (restarting, unreachable, failing over) from a statement that failed on its
 * own merits, and how long to wait before trying again.
 */

/** Socket errors of an unreachable or vanished server (Node's `code`). */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs after which the very same statement can succeed later: the server shutting down or starting up
 * (57P01–57P03), out of connection slots (53300), a serialization failure or deadlock victim (40001, 40P01).
 * Class 08 (connection exception) is matched by prefix.
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

/** node-postgres reports a dropped or unobtainable connection as a plain Error without a code. */
const CONNECTION_MESSAGE =
  /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|server closed the connection/i;

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * True when `err` means "the database is not there right now" rather than "this statement is wrong": the
 * caller may keep its work and retry. Errors carrying a SQLSTATE are judged by it alone, so a server error
 * whose text happens to mention a connection is not mistaken for one.
 */
export function isTransientPgError(err: unknown): boolean {
  // Node reports a failed connect to a name with several addresses as an AggregateError of the attempts.
  if (err instanceof AggregateError && err.errors.some(isTransientPgError)) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONNECTION_ERRNOS.has(code)) return true;
    if (SQLSTATE.test(code)) return code.startsWith('08') || TRANSIENT_SQLSTATES.has(code);
  }
  return CONNECTION_MESSAGE.test(err.message);
}

/** A unique-key violation (duplicate primary key). */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === '23505';
}

export interface RetryPolicy {
  /** Delay before the first retry. */
  initialMs: number;
  /** The delay doubles per failed attempt up to this cap. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 100, maxMs: 5_000 };

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with ±20 % jitter so several instances
 * that lost the same database do not all reconnect in the same millisecond.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
