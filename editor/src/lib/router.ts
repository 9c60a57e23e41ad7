import { useSyncExternalStore } from 'react';
import { type Route, parseRoute } from './links';

/**
 * A router for exactly two routes does not need a library: the location is an external store, and
 * `navigate` pushes a history entry and tells subscribers.
 */

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    window.addEventListener('popstate', notify);
    // Someone pasting a different `#token=` into the address bar must be honoured without a reload.
    window.addEventListener('hashchange', notify);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('popstate', notify);
      window.removeEventListener('hashchange', notify);
    }
  };
}

const snapshot = () => window.location.pathname + window.location.hash;

export function useRoute(): Route {
  const current = useSyncExternalStore(subscribe, snapshot);
  const hashAt = current.indexOf('#');
  return hashAt === -1 ? parseRoute(current, '') : parseRoute(current.slice(0, hashAt), current.slice(hashAt));
}

export function navigate(href: string, { replace = false } = {}): void {
  if (replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  notify();
}

/** Updates the address bar without a route change (e.g. the token after resetting links). */
export function replaceUrlQuietly(href: string): void {
  window.history.replaceState(window.history.state, '', href);
}
