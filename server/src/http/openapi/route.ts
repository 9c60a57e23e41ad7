import { Hono } from 'hono';
import { openApiDocument } from './describe.js';
import { OPERATIONS } from './operations.js';
import { serverPackage } from '../../runtime/package-root.js';

/** `GET /api/openapi.json` [API1]: built on first request, then served from memory. */
export function openApiRoute(publicUrl: () => string): Hono {
  const app = new Hono();
  let body: string | undefined;
  app.get('/api/openapi.json', (c) => {
    body ??= JSON.stringify(openApiDocument(OPERATIONS, { version: serverPackage().version, serverUrl: publicUrl() }));
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(body);
  });
  return app;
}
