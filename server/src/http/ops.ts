import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bearerToken } from '../auth/authorize.js';
import type { Metrics } from '../metrics.js';
import { HttpError } from './errors.js';

/**
 * Health and metrics for orchestrators [O1–O3]: `/livez` (the process answers: restart it if not),
 * `/readyz` (it can serve: send it traffic), `/healthz` (the same as `/readyz`, kept for existing setups),
 * `/metrics` (optionally behind a token).
 */
export function opsRoutes(deps: {
  metrics: Metrics;
  isDraining: () => boolean;
  readiness: () => Record<string, boolean>;
  metricsToken?: string | undefined;
}): Hono {
  const app = new Hono();
  // [O1] Liveness says nothing about PostgreSQL or Redis: a database outage must not get healthy
  // processes killed and restarted by an orchestrator, which would only drop every socket.
  app.get('/livez', (c) => c.json({ status: 'alive' }));
  // [O2] A balancer stops sending new sockets to an instance that is draining or cut off from
  // Redis/PostgreSQL; its open sockets are still served [CL3].
  const ready = (c: Context) => {
    if (deps.isDraining()) return c.json({ status: 'draining' }, 503);
    const engines = deps.readiness();
    const ok = Object.values(engines).every(Boolean);
    return c.json({ status: ok ? 'ok' : 'not_ready', ...engines }, ok ? 200 : 503);
  };
  app.get('/readyz', ready);
  app.get('/healthz', ready);
  app.get('/metrics', async (c) => {
    // [O3] Counters reveal activity (documents open, traffic): a public instance may keep them private.
    if (deps.metricsToken !== undefined && !sameSecret(bearerToken(c.req.header('authorization')), deps.metricsToken)) {
      throw new HttpError(401, 'token_invalid', 'metrics need the metrics token');
    }
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}

/** Compares in constant time, so response timing does not reveal how much of a guess was right. */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
