import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** What reporting a limit trip needs. */
export interface LimitReporting {
  metrics: Metrics;
  logger: Logger;
}

/**
 * A configured limit refused something: counts it in `tandem_limit_trips_total{limit}` and logs a warning
 * naming the limit (server/SPEC.md §L). `extra` adds context, such as the configured maximum (`max`).
 *
 * @example reportLimitTrip(deps, 'connections', 'server connection limit reached', { max: 10_000 })
 */
export function reportLimitTrip(deps: LimitReporting, limit: string, message: string, extra: object = {}): void {
  deps.metrics.limitTrips.inc({ limit });
  deps.logger.warn({ limit, ...extra }, message);
}
