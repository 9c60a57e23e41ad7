import { randomBytes } from 'node:crypto';
import type { VersionInfo } from '@tandem/common/api';
import type { DocEvents, NewComment } from '../doc-events.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { DeliveryQueue } from './delivery-queue.js';
import { UpdateCoalescer } from './update-coalescer.js';

export type WebhookEventType =
  | 'document.created'
  | 'document.updated'
  | 'document.deleted'
  | 'version.created'
  | 'comment.created';

/** The JSON body of every delivery [WH2]. */
export interface WebhookEvent {
  /** Unique per event; the same on every retry and for every receiver (use it to ignore duplicates). */
  id: string;
  type: WebhookEventType;
  /** When the event happened (ISO 8601). */
  createdAt: string;
  documentId: string;
  data: Record<string, unknown>;
}

export interface WebhookOptions {
  urls: string[];
  secret: string;
  timeoutMs: number;
  retryForMs: number;
  debounceMs: number;
  queueSize: number;
  metrics: Metrics;
  logger: Logger;
  /** Internal (tests only): first retry delay instead of 1 s. */
  backoffMs?: number;
}

/** How long shutdown lets deliveries that are due finish. */
const SHUTDOWN_GRACE_MS = 2_000;

/**
 * [WH] Webhooks: turns `DocEvents` into signed JSON deliveries, one queue per receiver so a slow one never
 * holds back another. Every method returns at once.
 */
export class Webhooks implements DocEvents {
  private readonly queues: DeliveryQueue[];
  private readonly updates: UpdateCoalescer<() => Promise<string | null>>;
  private readonly logger: Logger;
  /** `document.updated` events waiting for their version lookup. */
  private readonly lookups = new Set<Promise<void>>();

  constructor(options: WebhookOptions) {
    this.logger = options.logger.child({ component: 'webhooks' });
    this.queues = options.urls.map(
      (url) =>
        new DeliveryQueue({
          url,
          secret: options.secret,
          timeoutMs: options.timeoutMs,
          retryForMs: options.retryForMs,
          maxQueued: options.queueSize,
          metrics: options.metrics,
          logger: this.logger,
          ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
        }),
    );
    this.updates = new UpdateCoalescer(options.debounceMs, (docId, newestVersionId) => this.sendUpdated(docId, newestVersionId));
  }

  /** Sends `event` to every receiver; `type`, `documentId` and `data` are given, the rest is stamped here. */
  emit(event: { type: WebhookEventType; documentId: string; data?: Record<string, unknown>; createdAt?: Date }): void {
    const full: WebhookEvent = {
      id: `evt_${randomBytes(12).toString('base64url')}`,
      type: event.type,
      createdAt: (event.createdAt ?? new Date()).toISOString(),
      documentId: event.documentId,
      data: event.data ?? {},
    };
    const body = JSON.stringify(full);
    for (const queue of this.queues) queue.enqueue({ id: full.id, type: full.type, body });
  }

  documentCreated(docId: string, info: { title: string }): void {
    this.emit({ type: 'document.created', documentId: docId, data: { title: info.title } });
  }

  documentUpdated(docId: string, newestVersionId: () => Promise<string | null>): void {
    this.updates.changed(docId, newestVersionId);
  }

  documentDeleted(docId: string): void {
    // Changes not yet reported are moot: the document is gone.
    this.updates.forget(docId);
    this.emit({ type: 'document.deleted', documentId: docId });
  }

  versionCreated(docId: string, version: VersionInfo): void {
    const { id, createdAt, name, kind, authors } = version;
    this.emit({ type: 'version.created', documentId: docId, data: { version: { id, createdAt, name, kind, authors } } });
  }

  commentsCreated(docId: string, comments: NewComment[]): void {
    for (const c of comments) {
      const createdAt = Number.isFinite(c.createdAt) ? new Date(c.createdAt).toISOString() : new Date().toISOString();
      this.emit({
        type: 'comment.created',
        documentId: docId,
        data: {
          threadId: c.threadId,
          quote: c.quote,
          comment: { id: c.id, author: c.author, body: c.body, createdAt },
        },
      });
    }
  }

  /** Deliveries waiting or in flight, over all receivers. */
  get depth(): number {
    return this.queues.reduce((sum, queue) => sum + queue.depth, 0);
  }

  /** [S1] Shutdown: reports pending updates, lets due deliveries finish for a moment, then stops. */
  async close(): Promise<void> {
    this.updates.flushAll();
    // The version lookups of the flushed updates settle first, so their events are queued.
    await Promise.all(this.lookups);
    await Promise.all(this.queues.map((queue) => queue.idle(SHUTDOWN_GRACE_MS)));
    for (const queue of this.queues) queue.stop();
  }

  private sendUpdated(docId: string, newestVersionId: () => Promise<string | null>): void {
    const at = new Date();
    const lookup = newestVersionId()
      .catch((error: unknown) => {
        this.logger.warn({ doc: docId, err: error }, 'could not read the newest version for document.updated');
        return null;
      })
      .then((versionId) => this.emit({ type: 'document.updated', documentId: docId, createdAt: at, data: { versionId } }))
      .finally(() => this.lookups.delete(lookup));
    this.lookups.add(lookup);
  }
}
