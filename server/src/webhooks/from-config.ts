import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { Webhooks } from './webhooks.js';

/** [WH1] The webhooks the configuration asks for, or null when `WEBHOOK_URL` is empty. */
export function webhooksFromConfig(config: Config, deps: { metrics: Metrics; logger: Logger }): Webhooks | null {
  if (config.WEBHOOK_URL.length === 0 || !config.WEBHOOK_SECRET) return null;
  return new Webhooks({
    urls: config.WEBHOOK_URL,
    secret: config.WEBHOOK_SECRET,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retryForMs: config.WEBHOOK_RETRY_FOR_MS,
    debounceMs: config.WEBHOOK_DEBOUNCE_MS,
    queueSize: config.WEBHOOK_QUEUE_SIZE,
    ...deps,
  });
}
