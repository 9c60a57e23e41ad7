/** [O1–O3] Health endpoints for orchestrators and the metrics token, on a real server. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('operations endpoints', () => {
  it('[O1][O2] /livez, /readyz and /healthz answer 200 on a serving instance', async () => {
    server = await startTestServer();
    expect(await (await fetch(`${server.url}/livez`)).json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('[O3] with METRICS_TOKEN, /metrics needs it; without, /metrics is open', async () => {
    const token = 'metrics-token-0123456789';
    server = await startTestServer({ METRICS_TOKEN: token });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-012345678X' } })).status).toBe(401);
    const allowed = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toMatch(/^# TYPE tandem_connections /m);
    await server.dispose();
    server = await startTestServer();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});
