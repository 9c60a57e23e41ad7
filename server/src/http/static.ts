import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';

const PLACEHOLDER = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Tandem</title>
<body style="font-family:system-ui;margin:4rem auto;max-width:36rem">
<h1>Tandem</h1><p>The editor has not been built yet. Run <code>npm run build</code> (or <code>npm start</code>, which builds it).</p>`;

/**
 * Whether a request that matched no route comes from a person's browser, which should see the app's own
 * "not found" page instead of JSON. API clients (and anything under `/api/`) keep the JSON error.
 */
export function wantsHtmlPage(c: Context): boolean {
  const { method, path } = c.req;
  if ((method !== 'GET' && method !== 'HEAD') || path.startsWith('/api/') || path.startsWith('/collab/')) return false;
  return (c.req.header('accept') ?? '').includes('text/html');
}

export interface StaticRoutes {
  routes: Hono;
  /** The app's page with status 404: the editor shows its "not found" view for the address. */
  notFoundPage(c: Context): Promise<Response>;
}

/** The editor app: `/` and `/d/:id` get index.html (the token stays in the fragment), assets are hashed. */
export function staticRoutes(editorDist: string): StaticRoutes {
  const app = new Hono();
  const indexPath = join(editorDist, 'index.html');
  // Re-read when the file changes: a rebuilt editor must not leave pages pointing at deleted assets.
  let cached: { mtimeMs: number; html: string } | undefined;
  const page = async () => {
    const stats = await stat(indexPath).catch(() => undefined);
    if (!stats) return PLACEHOLDER;
    if (cached?.mtimeMs !== stats.mtimeMs) cached = { mtimeMs: stats.mtimeMs, html: await readFile(indexPath, 'utf8') };
    return cached.html;
  };
  const html = async (c: Context, status: 200 | 404 = 200) => {
    c.header('Cache-Control', 'no-cache');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(await page(), status);
  };
  const notFoundPage = (c: Context) => html(c, 404);
  app.get('/', (c) => html(c));
  app.get('/d/:id', (c) => html(c));
  // Without a built editor there are no assets to serve (and serveStatic would warn about the missing root).
  if (!existsSync(editorDist)) return { routes: app, notFoundPage };
  app.use(
    '/assets/*',
    serveStatic({
      root: editorDist,
      // The build writes .br/.gz beside each asset; serve them to browsers that accept them.
      precompressed: true,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get('/favicon.svg', serveStatic({ root: editorDist }));
  // The service worker must come from the root to control every page, and never be cached stale.
  app.get(
    '/sw.js',
    serveStatic({
      root: editorDist,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'no-cache');
      },
    }),
  );
  return { routes: app, notFoundPage };
}
