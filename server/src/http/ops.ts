import { Hono } from 'hono';
import type { Metrics } from '../metrics.js';

/** `/healthz` and `/metrics`. */
export function opsRoutes(deps: { metrics: Metrics; isDraining: () => boolean }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) =>
    deps.isDraining() ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ok' }, 200),
  );
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}
