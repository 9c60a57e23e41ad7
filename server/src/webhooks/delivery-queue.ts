import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** One event on its way to one receiver. */
export interface WebhookMessage {
  id: string;
  type: string;
  /** The JSON body, signed as is. */
  body: string;
}

export interface DeliveryQueueOptions {
  url: string;
  secret: string;
  /** One attempt gives up after this long. */
  timeoutMs: number;
  /** Retries stop once the next one would start later than this after the first attempt. */
  retryForMs: number;
  /** Deliveries waiting (for their turn or their retry); past it the oldest is dropped. */
  maxQueued: number;
  metrics: Metrics;
  logger: Logger;
  /** Attempts in flight at once. */
  concurrency?: number;
  /** First retry delay; doubles per attempt up to `MAX_BACKOFF_MS`, ±20 % jitter. */
  backoffMs?: number;
  now?: () => number;
}

interface Delivery {
  message: WebhookMessage;
  attempts: number;
  firstAttemptAt: number | null;
  /** Not before this time (ms): its retry time. */
  dueAt: number;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/** Why an attempt failed, or null when it was delivered. `retry` false: the receiver refused it for good. */
type AttemptResult = null | { reason: 'status' | 'timeout' | 'network'; retry: boolean; detail: string };

/**
 * [WH4] Deliveries to one receiver: bounded (the oldest waiting delivery is dropped when full), a few
 * attempts in flight, each with a timeout, retried with exponential backoff for a bounded time. Everything
 * runs on timers and promises: `enqueue` returns at once, so a slow or failing receiver never reaches the
 * relay; all it can cost is this queue's memory, which the bound caps.
 */
export class DeliveryQueue {
  private readonly waiting: Delivery[] = [];
  private readonly inFlight = new Set<AbortController>();
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = Infinity;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly backoffMs: number;

  constructor(private readonly options: DeliveryQueueOptions) {
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? 4;
    this.backoffMs = options.backoffMs ?? 1000;
  }

  /** Deliveries waiting or in flight. */
  get depth(): number {
    return this.waiting.length + this.inFlight.size;
  }

  /** Queues `message`; never waits, never throws. */
  enqueue(message: WebhookMessage): void {
    if (this.stopped) return;
    if (this.waiting.length >= this.options.maxQueued) {
      const dropped = this.waiting.shift()!;
      this.options.metrics.webhookDeliveries.inc({ outcome: 'dropped' });
      this.options.metrics.webhookQueueDepth.dec();
      this.options.logger.warn({ event: dropped.message.type, delivery: dropped.message.id }, 'webhook queue full: dropped the oldest delivery');
    }
    this.waiting.push({ message, attempts: 0, firstAttemptAt: null, dueAt: 0 });
    this.options.metrics.webhookQueueDepth.inc();
    this.pump();
  }

  /** Resolves once nothing waits or is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops: aborts attempts in flight and forgets what waits (the queue lives in memory only). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.options.metrics.webhookQueueDepth.dec(this.waiting.length + this.inFlight.size);
    this.waiting.length = 0;
    for (const controller of this.inFlight) controller.abort();
    this.notifyIdle();
  }

  /** Starts every due delivery there is room for; arms a timer for the next one due later. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.now();
    let nextDue = Infinity;
    for (let i = 0; i < this.waiting.length && this.inFlight.size < this.concurrency; ) {
      const delivery = this.waiting[i]!;
      if (delivery.dueAt <= now) {
        this.waiting.splice(i, 1);
        void this.attempt(delivery);
      } else {
        nextDue = Math.min(nextDue, delivery.dueAt);
        i++;
      }
    }
    if (nextDue < Infinity && nextDue < this.timerDueAt) {
      if (this.timer) clearTimeout(this.timer);
      this.timerDueAt = nextDue;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.timerDueAt = Infinity;
        this.pump();
      }, nextDue - now);
      this.timer.unref();
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { metrics, logger, url } = this.options;
    delivery.attempts++;
    delivery.firstAttemptAt ??= this.now();
    const controller = new AbortController();
    this.inFlight.add(controller);
    const result = await this.send(delivery.message, controller);
    this.inFlight.delete(controller);
    if (this.stopped) return this.notifyIdle();
    const log = { event: delivery.message.type, delivery: delivery.message.id, attempt: delivery.attempts };
    if (result === null) {
      metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      metrics.webhookQueueDepth.dec();
    } else {
      metrics.webhookAttemptFailures.inc({ reason: result.reason });
      const delay = this.backoff(delivery.attempts);
      const retryAt = this.now() + delay;
      if (result.retry && retryAt - delivery.firstAttemptAt <= this.options.retryForMs) {
        logger.info({ ...log, reason: result.detail, retryInMs: delay }, 'webhook delivery failed; will retry');
        delivery.dueAt = retryAt;
        this.waiting.push(delivery);
      } else {
        metrics.webhookDeliveries.inc({ outcome: 'failed' });
        metrics.webhookQueueDepth.dec();
        // The receiver's URL may hold a credential: it is not logged.
        logger.warn({ ...log, reason: result.detail, host: new URL(url).host }, 'webhook delivery failed for good');
      }
    }
    this.pump();
    this.notifyIdle();
  }

  /** One POST with the signature of this moment (a retry is signed afresh: its time stays recent). */
  private async send(message: WebhookMessage, controller: AbortController): Promise<AttemptResult> {
    const timeout = setTimeout(() => controller.abort(new Error('timeout')), this.options.timeoutMs);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tandem-Webhooks/1',
          'tandem-event': message.type,
          'tandem-delivery': message.id,
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(this.options.secret, message.body, this.now() / 1000),
        },
        body: message.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      // The answer's body is not wanted; reading it would let a receiver hold the attempt open.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return null;
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      return { reason: 'status', retry, detail: `HTTP ${response.status}` };
    } catch (error) {
      const timedOut = controller.signal.aborted;
      return { reason: timedOut ? 'timeout' : 'network', retry: true, detail: timedOut ? 'timeout' : (error as Error).message };
    } finally {
      clearTimeout(timeout);
    }
  }

  private backoff(attempts: number): number {
    const base = Math.min(this.backoffMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private notifyIdle(): void {
    if (this.depth > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
