import { createLogger } from '../../src/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { RoomRegistry } from '../../src/rooms/registry.js';
import type { DocStore } from '../../src/storage/doc-store.js';

/** A registry over `store` for room-level tests: silent log, roomy limits, the given idle time. */
export function testRegistry(store: DocStore, idleMs: number, metrics: Metrics = createMetrics()): RoomRegistry {
  return new RoomRegistry({
    store,
    logger: createLogger('silent'),
    metrics,
    idleMs,
    limits: { maxDocBytes: 1 << 20, maxConnectionsPerDoc: 5, maxMessagesPerSecond: 1000, compactAfterBytes: 1 << 20 },
  });
}
