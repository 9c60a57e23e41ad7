import { Hono } from 'hono';
import type { Metrics } from '../metrics.js';

/** `/healthz` and `/metrics`. */
export function opsRoutes(deps: {
  metrics: Metrics;
  isDraining: () => boolean;
  readiness: () => Record<string, boolean>;
}): Hono {
  const app = new Hono();
  // A balancer stops sending new sockets to an instance that is draining or cut off from Redis/PostgreSQL;
  // its open sockets are still served [CL3].
  app.get('/healthz', (c) => {
    if (deps.isDraining()) return c.json({ status: 'draining' }, 503);
    const engines = deps.readiness();
    const ready = Object.values(engines).every(Boolean);
    return c.json({ status: ready ? 'ok' : 'not_ready', ...engines }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}
