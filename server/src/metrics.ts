import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The counts of the per-message path: plain numbers, added to for every message in and out, and handed to
 * Prometheus only when it scrapes (a prom-client `inc` hashes its labels and checks its value on every call,
 * which showed in intake profiles).
 */
export class MessageTally {
  bytesIn = 0;
  bytesOut = 0;
  messagesOut = 0;
  /** Messages in, by kind. */
  readonly messagesIn = new Map<string, number>();

  countIn(kind: string): void {
    this.messagesIn.set(kind, (this.messagesIn.get(kind) ?? 0) + 1);
  }
}

/**
 * Prometheus metrics for one server instance. A registry per instance (never the global one) so several
 * servers can live in one test process.
 */
export function createMetrics() {
  const registry = new Registry();
  const tally = new MessageTally();
  collectDefaultMetrics({ register: registry, prefix: 'tandem_process_' });
  const opts = { registers: [registry] };
  return {
    registry,
    connections: new Gauge({ name: 'tandem_connections', help: 'Open collaboration sockets', ...opts }),
    openDocuments: new Gauge({ name: 'tandem_open_documents', help: 'Documents loaded in memory', ...opts }),
    /** Messages and bytes in and out: count here, read at scrape time by the four counters below. */
    tally,
    messagesIn: new Counter({
      name: 'tandem_messages_in_total',
      help: 'Messages received from peers, by kind',
      labelNames: ['kind'] as const,
      ...opts,
      collect() {
        this.reset();
        for (const [kind, count] of tally.messagesIn) this.labels(kind).inc(count);
      },
    }),
    messagesOut: new Counter({ name: 'tandem_messages_out_total', help: 'Messages sent to peers', ...opts, collect: scraped(() => tally.messagesOut) }),
    bytesIn: new Counter({ name: 'tandem_bytes_in_total', help: 'Bytes received from peers', ...opts, collect: scraped(() => tally.bytesIn) }),
    bytesOut: new Counter({ name: 'tandem_bytes_out_total', help: 'Bytes sent to peers', ...opts, collect: scraped(() => tally.bytesOut) }),
    storageWriteSeconds: new Histogram({
      name: 'tandem_storage_write_seconds',
      help: 'Time from the first update of a write batch (the changes of one turn) to the batch being written',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      ...opts,
    }),
    errors: new Counter({
      name: 'tandem_errors_total',
      help: 'Errors, by kind (malformed, storage, cluster, internal)',
      labelNames: ['kind'] as const,
      ...opts,
    }),
    limitTrips: new Counter({
      name: 'tandem_limit_trips_total',
      help: 'Times a configured limit refused something, by limit',
      labelNames: ['limit'] as const,
      ...opts,
    }),
    droppedReadOnlyUpdates: new Counter({
      name: 'tandem_readonly_updates_dropped_total',
      help: 'Document updates sent over view-only connections and dropped',
      ...opts,
    }),
    intakePauses: new Counter({
      name: 'tandem_intake_pauses_total',
      help: 'Times a socket stopped being read while its document had too many changes waiting to be written [L10]',
      ...opts,
    }),
    readerCatchUps: new Counter({
      name: 'tandem_reader_catch_ups_total',
      help: 'Times a reader that fell behind was sent what it missed as one update instead of every relay [RL5]',
      ...opts,
    }),
    updateRefusals: new Counter({
      name: 'tandem_update_refusals_total',
      help: 'Document updates refused by the comment rules, by reason (outside_comments, unplaced, foreign_client, not_own, shape, held_back_shape)',
      labelNames: ['reason'] as const,
      ...opts,
    }),
    loads: new Counter({ name: 'tandem_document_loads_total', help: 'Documents loaded from storage', ...opts }),
    unloads: new Counter({ name: 'tandem_document_unloads_total', help: 'Documents unloaded', ...opts }),
    clusterMessages: new Counter({
      name: 'tandem_cluster_messages_total',
      help: 'Messages exchanged with other instances through Redis, by direction and kind',
      labelNames: ['direction', 'kind'] as const,
      ...opts,
    }),
    clusterPublishFailures: new Counter({
      name: 'tandem_cluster_publish_failures_total',
      help: 'Messages that could not be published to Redis (repaired by a sync round later)',
      ...opts,
    }),
    clusterInstances: new Gauge({ name: 'tandem_cluster_instances', help: 'Other instances heard from within the heartbeat window (cluster mode)', ...opts }),
    clusterInstancesGone: new Counter({
      name: 'tandem_cluster_instances_gone_total',
      help: 'Other instances declared gone after missing heartbeats; their peers\' presence was dropped',
      ...opts,
    }),
    webhookDeliveries: new Counter({
      name: 'tandem_webhook_deliveries_total',
      help: 'Webhook deliveries by outcome: delivered (2xx), failed (retries exhausted or refused), dropped (queue full)',
      labelNames: ['outcome'] as const,
      ...opts,
    }),
    webhookAttemptFailures: new Counter({
      name: 'tandem_webhook_attempt_failures_total',
      help: 'Webhook delivery attempts that failed, by reason (status, timeout, network)',
      labelNames: ['reason'] as const,
      ...opts,
    }),
    webhookQueueDepth: new Gauge({
      name: 'tandem_webhook_queue_depth',
      help: 'Webhook deliveries waiting or in flight, over all receivers',
      ...opts,
    }),
    clusterReady: new Gauge({ name: 'tandem_cluster_ready', help: '1 while both Redis connections are up (cluster mode)', ...opts }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A counter's `collect`: sets it to `total()` when scraped. */
function scraped(total: () => number): (this: Counter) => void {
  return function (this: Counter) {
    this.reset();
    this.inc(total());
  };
}
