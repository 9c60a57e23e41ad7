/**
 * Tandem's offline shell. The page (index.html: the same for `/` and every `/d/<id>`) comes from the
 * network when there is one and from this cache when there is not; the hashed, immutable assets come from
 * the cache once fetched. The documents themselves are in IndexedDB (y-indexeddb), and the API and the
 * collaboration socket are never touched here — a page opened offline edits its local copy and merges when
 * the socket comes back.
 */
const CACHE = 'tandem-shell-v1';
const SHELL = '/__shell';

self.addEventListener('install', (event) => {
  // Take over at once: there is no old page logic that a new worker could break.
  self.skipWaiting();
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      const page = await fetch('/', { cache: 'no-cache' });
      if (page.ok) await cache.put(SHELL, page);
    }),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname.startsWith('/d/'))) {
    event.respondWith(pageNetworkFirst(request));
  }
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function pageNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(SHELL, response.clone());
    return response;
  } catch (error) {
    const shell = await cache.match(SHELL);
    if (shell) return shell;
    throw error;
  }
}
