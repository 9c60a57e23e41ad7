import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { InstanceWatch } from './instance-watch.js';
import { decodeClusterMessage, encodeClusterMessage, type ClusterMessage } from './wire.js';

/**
 * Why pub/sub and not streams: what travels between instances is a live echo of updates that are already
 * durable in the shared store [D1] — Redis never holds the only copy of anything. Pub/sub is the lowest
 * latency path and keeps nothing in Redis; what it drops while an instance is cut off is repaired by the
 * sync request every instance sends when it (re)subscribes [CL3]. Streams would add a second copy of the
 * log, trimming policy and consumer bookkeeping for no gain in safety.
 */

/** What a document's link hears from its channel. */
export interface ChannelHandler {
  /** A message from another instance about this document. */
  message(message: ClusterMessage): void;
  /**
   * Something may have been missed in either direction (Redis was unreachable, or a publish failed): run a
   * sync round with the other instances holding this document.
   */
  repair(): void;
  /** [CL5] Another instance stopped beating: forget the awareness of its peers. */
  instanceGone(instanceId: string): void;
}

export interface ClusterBus {
  readonly instanceId: string;
  /** True while both Redis connections are up. */
  readonly ready: boolean;
  /**
   * Subscribes to the document's channel. Resolves once subscribed — or at once, unsubscribed, when Redis
   * is down: the instance keeps serving its own peers, and the channel is subscribed when Redis returns.
   */
  join(docId: string, handler: ChannelHandler): Promise<void>;
  leave(docId: string): void;
  /** Fire and forget: a message that cannot be published now is repaired by the next sync request. */
  publish(docId: string, message: ClusterMessage): void;
  close(): Promise<void>;
}

export interface RedisBusOptions {
  url: string;
  logger: Logger;
  metrics: Metrics;
  /** Channel names start with this, so several deployments can share one Redis. */
  prefix?: string;
  /** How long start-up waits for Redis before going on without it (not ready). */
  connectTimeoutMs?: number;
  /** [CL5] Heartbeat period, and the silence after which another instance counts as gone. */
  heartbeatMs?: number;
  deadAfterMs?: number;
}

const DEFAULT_HEARTBEAT_MS = 1000;
const DEFAULT_DEAD_AFTER_MS = 3000;

/** A failed publish on a live connection is retried as a sync round this much later. */
const REPAIR_DELAY_MS = 500;

/** Reconnect backoff: 100 ms doubling to 5 s, with jitter so instances do not reconnect in lockstep. */
function backoff(attempt: number): number {
  const base = Math.min(100 * 2 ** Math.min(attempt, 6), 5000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** The `ClusterBus` over Redis pub/sub: one connection publishes, one subscribes. */
export class RedisBus implements ClusterBus {
  readonly instanceId = randomUUID();
  private readonly prefix: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, ChannelHandler>();
  private readonly log: Logger;
  /** Set once either connection was lost: the next time both are up, every channel resynchronises. */
  private outage = false;
  private closed = false;
  /** True once the heartbeat channel is subscribed on the current subscriber connection. */
  private hearing = false;
  private readonly watch: InstanceWatch;

  /** Connects both connections; resolves once they are up, or after `connectTimeoutMs` without them. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    await bus.connected(options.connectTimeoutMs ?? 5000);
    return bus;
  }

  private constructor(private readonly options: RedisBusOptions) {
    this.prefix = options.prefix ?? 'tandem:';
    this.log = options.logger.child({ component: 'redis' });
    const common: RedisOptions = {
      // Commands fail at once while disconnected instead of piling up: the sync request repairs the gap.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: backoff,
      // We resubscribe ourselves, so we know when the channels are back before asking the others.
      autoResubscribe: false,
      connectionName: `tandem-${this.instanceId}`,
    };
    this.publisher = new Redis(options.url, common);
    this.subscriber = new Redis(options.url, common);
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('ready', () => this.onReady());
      connection.on('close', () => this.onLost());
      // ioredis reports every failed reconnect; one line per outage is enough (onLost logs it).
      connection.on('error', (error: Error) => this.log.debug({ err: error.message }, 'redis connection error'));
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.onMessage(channel, payload));
    this.watch = new InstanceWatch({
      intervalMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      deadAfterMs: options.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS,
      beat: () => this.beat(),
      listening: () => this.ready && this.hearing,
      gone: (id) => this.onInstanceGone(id),
      back: (id) => {
        this.log.info({ instance: id }, 'an instance declared gone is back; asking it for its peers');
        for (const handler of this.channels.values()) handler.repair();
      },
    });
    this.updateGauge();
  }

  get ready(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Waits until both connections are up, or gives up after `timeoutMs` (the instance starts not ready). */
  private async connected(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!this.ready) {
      this.outage = true;
      this.log.warn('redis unreachable at start-up; serving local peers only until it is back');
    }
  }

  async join(docId: string, handler: ChannelHandler): Promise<void> {
    this.channels.set(docId, handler);
    if (!this.ready) return;
    try {
      await this.subscriber.subscribe(this.channel(docId));
    } catch (error) {
      // Redis went away meanwhile: the resubscription after the outage covers this channel.
      this.outage = true;
      this.log.warn({ doc: docId, err: (error as Error).message }, 'could not subscribe; will when redis is back');
    }
  }

  leave(docId: string): void {
    if (!this.channels.delete(docId) || !this.ready) return;
    this.subscriber.unsubscribe(this.channel(docId)).catch(() => {
      // Gone with the connection; nothing to undo.
    });
  }

  publish(docId: string, message: ClusterMessage): void {
    const { metrics } = this.options;
    if (!this.ready) {
      metrics.clusterPublishFailures.inc();
      return;
    }
    const payload = Buffer.from(encodeClusterMessage(message));
    metrics.clusterMessages.inc({ direction: 'out', kind: message.kind });
    this.publisher.publish(this.channel(docId), payload).catch((error: unknown) => {
      metrics.clusterPublishFailures.inc();
      this.log.debug({ doc: docId, err: (error as Error).message }, 'publish failed');
      // A lost connection resynchronises every channel when it returns; otherwise repair just this one.
      if (this.ready) setTimeout(() => this.channels.get(docId)?.repair(), REPAIR_DELAY_MS).unref();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watch.stop();
    this.channels.clear();
    await Promise.all(
      [this.publisher, this.subscriber].map((connection) =>
        connection.quit().catch(() => connection.disconnect()),
      ),
    );
  }

  private channel(docId: string): string {
    return `${this.prefix}doc:${docId}`;
  }

  private get heartbeatChannel(): string {
    return `${this.prefix}instances`;
  }

  private beat(): void {
    if (!this.ready) return;
    this.publisher.publish(this.heartbeatChannel, this.instanceId).catch(() => {
      // The next beat goes out a period later; a few lost ones are what `deadAfterMs` allows for.
    });
  }

  private async hearHeartbeats(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.heartbeatChannel);
      this.hearing = true;
    } catch (error) {
      this.log.debug({ err: (error as Error).message }, 'could not subscribe to heartbeats; will when redis is back');
    }
  }

  private onInstanceGone(instanceId: string): void {
    this.options.metrics.clusterInstancesGone.inc();
    this.options.metrics.clusterInstances.set(this.watch.alive);
    this.log.warn({ instance: instanceId, documents: this.channels.size }, 'an instance stopped beating; dropping its peers\' presence');
    for (const handler of this.channels.values()) handler.instanceGone(instanceId);
  }

  private onMessage(channel: Buffer, payload: Buffer): void {
    const name = channel.toString();
    if (name === this.heartbeatChannel) {
      const from = payload.toString();
      if (from !== this.instanceId && from.length <= 64) this.watch.heard(from);
      this.options.metrics.clusterInstances.set(this.watch.alive);
      return;
    }
    const handler = this.channels.get(name.slice(`${this.prefix}doc:`.length));
    if (!name.startsWith(this.prefix) || !handler) return;
    let message: ClusterMessage;
    try {
      message = decodeClusterMessage(payload);
    } catch (error) {
      this.options.metrics.errors.inc({ kind: 'cluster' });
      this.log.warn({ channel: name, err: (error as Error).message }, 'ignoring a malformed cluster message');
      return;
    }
    if (message.from === this.instanceId) return;
    this.watch.heard(message.from);
    if (message.kind === 'sync-reply' && message.to !== this.instanceId) return;
    this.options.metrics.clusterMessages.inc({ direction: 'in', kind: message.kind });
    handler.message(message);
  }

  private onLost(): void {
    this.hearing = false;
    this.updateGauge();
    if (this.closed || this.outage) return;
    this.outage = true;
    this.log.warn('redis connection lost; serving local peers only until it is back');
  }

  private onReady(): void {
    this.updateGauge();
    if (this.closed || !this.ready) return;
    if (!this.hearing) void this.hearHeartbeats();
    if (!this.outage) return;
    this.outage = false;
    // Others' silence during our outage says nothing about them.
    this.watch.forgive();
    void this.resubscribeAll();
  }

  /** [CL3] After an outage: subscribe every open document again, then let each ask what it missed. */
  private async resubscribeAll(): Promise<void> {
    const docIds = [...this.channels.keys()];
    try {
      if (docIds.length > 0) await this.subscriber.subscribe(...docIds.map((id) => this.channel(id)));
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'resubscribing failed; retrying');
      if (this.ready) setTimeout(() => void this.resubscribeAll(), REPAIR_DELAY_MS).unref();
      else this.outage = true;
      return;
    }
    this.log.info({ documents: docIds.length }, 'redis is back; resynchronising open documents');
    for (const id of docIds) this.channels.get(id)?.repair();
  }

  private updateGauge(): void {
    this.options.metrics.clusterReady.set(this.ready ? 1 : 0);
  }
}
