/**
 * Whether PostgreSQL answers, as one synchronous flag a readiness probe can read without a query.
 *
 * Every transient failure seen anywhere (a batch of appends, a pooled idle connection dropped by a server
 * restart, a failed ping) marks the database unreachable and starts probing it with `SELECT 1` on an
 * exponential backoff; the first success anywhere (a probe, a committed batch) marks it reachable again.
 */
import { retryDelayMs, type RetryPolicy } from './errors.js';
import type { StoreLogger } from '../doc-store.js';

export class PgHealth {
  private reachable = true;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly retry: RetryPolicy,
    private readonly logger: StoreLogger,
  ) {}

  get isReachable(): boolean {
    return this.reachable;
  }

  /** PostgreSQL did not answer: mark it unreachable and probe until it does. */
  failed(err: unknown): void {
    if (this.stopped) return;
    if (this.reachable) {
      this.reachable = false;
      this.logger.warn({ err }, 'PostgreSQL unreachable: appends are kept and retried until it answers');
    }
    this.scheduleProbe();
  }

  /** PostgreSQL answered. */
  succeeded(): void {
    this.attempt = 0;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    if (!this.reachable) {
      this.reachable = true;
      this.logger.info({}, 'PostgreSQL reachable again');
    }
  }

  /** Pings now (bounded by `timeoutMs`), records the outcome and returns whether PostgreSQL answered. */
  async check(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`PostgreSQL did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.ping(), timeout]);
      this.succeeded();
      return true;
    } catch (err) {
      this.failed(err);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  private scheduleProbe(): void {
    if (this.stopped || this.probeTimer || this.probing) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      this.probing = true;
      this.ping().then(
        () => {
          this.probing = false;
          this.succeeded();
        },
        (err: unknown) => {
          this.probing = false;
          this.attempt++;
          this.failed(err);
        },
      );
    }, retryDelayMs(this.retry, this.attempt));
    // A probe alone must not keep a process alive that has nothing else to do.
    this.probeTimer.unref();
  }
}
