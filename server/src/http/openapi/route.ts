import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { openApiDocument } from './describe.js';
import { OPERATIONS } from './operations.js';

/** `GET /api/openapi.json` [API1]: built on first request, then served from memory. */
export function openApiRoute(publicUrl: () => string): Hono {
  const app = new Hono();
  let body: string | undefined;
  app.get('/api/openapi.json', (c) => {
    body ??= JSON.stringify(openApiDocument(OPERATIONS, { version: serverVersion(), serverUrl: publicUrl() }));
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(body);
  });
  return app;
}

/** The server package's version (src/ and dist/ sit at the same depth below it). */
function serverVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
