import { type Scope, isScope } from '@tandem/common';

/**
 * Documents opened in this browser, newest first, kept in localStorage. This is the only place Tandem
 * remembers your access keys, so a reload or a visit to `/` finds your documents again.
 *
 * Storage is injected so tests can use a fake, and every read tolerates junk: localStorage is shared with
 * other code and other versions of this app, and a corrupt entry must never break the start page.
 */

export interface RecentDoc {
  id: string;
  title: string;
  token: string;
  scope: Scope;
  /** Milliseconds since the epoch. */
  lastOpened: number;
}

export const RECENT_KEY = 'tandem:recent-docs';
export const RECENT_LIMIT = 50;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function isRecentDoc(value: unknown): value is RecentDoc {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    v.id !== '' &&
    typeof v.token === 'string' &&
    v.token !== '' &&
    typeof v.title === 'string' &&
    isScope(v.scope) &&
    typeof v.lastOpened === 'number' &&
    Number.isFinite(v.lastOpened)
  );
}

export function loadRecent(store: KeyValueStore): RecentDoc[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store.getItem(RECENT_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const seen = new Set<string>();
  const docs: RecentDoc[] = [];
  for (const item of parsed) {
    if (!isRecentDoc(item) || seen.has(item.id)) continue;
    seen.add(item.id);
    docs.push({ id: item.id, title: item.title, token: item.token, scope: item.scope, lastOpened: item.lastOpened });
  }
  return docs.sort((a, b) => b.lastOpened - a.lastOpened);
}

function save(store: KeyValueStore, docs: RecentDoc[]): void {
  try {
    store.setItem(RECENT_KEY, JSON.stringify(docs.slice(0, RECENT_LIMIT)));
  } catch {
    // Quota exceeded or storage disabled (private mode): the list is a convenience, not data.
  }
}

/**
 * Records that a document was opened with `token`. The link you opened last wins: if you open a view
 * link to a document you could edit, you see it as a viewer, and the list says so.
 */
export function recordVisit(
  store: KeyValueStore,
  visit: { id: string; token: string; scope: Scope; title?: string },
  now: number = Date.now(),
): RecentDoc[] {
  const docs = loadRecent(store);
  const previous = docs.find((d) => d.id === visit.id);
  const entry: RecentDoc = {
    id: visit.id,
    token: visit.token,
    scope: visit.scope,
    title: visit.title ?? previous?.title ?? '',
    lastOpened: now,
  };
  const next = [entry, ...docs.filter((d) => d.id !== visit.id)];
  save(store, next);
  return next;
}

/** Updates fields of an existing entry without bumping it to the top. No-op for unknown ids. */
export function updateRecent(
  store: KeyValueStore,
  id: string,
  patch: Partial<Pick<RecentDoc, 'title' | 'token' | 'scope'>>,
): RecentDoc[] {
  const docs = loadRecent(store);
  const index = docs.findIndex((d) => d.id === id);
  const current = docs[index];
  if (!current) return docs;
  const updated = { ...current, ...patch };
  if (updated.title === current.title && updated.token === current.token && updated.scope === current.scope) {
    return docs;
  }
  docs[index] = updated;
  save(store, docs);
  return docs;
}

export function removeRecent(store: KeyValueStore, id: string): RecentDoc[] {
  const next = loadRecent(store).filter((d) => d.id !== id);
  save(store, next);
  return next;
}

export function findRecent(store: KeyValueStore, id: string): RecentDoc | undefined {
  return loadRecent(store).find((d) => d.id === id);
}

let fallback: KeyValueStore | null = null;

/** localStorage, or an in-memory stand-in when the browser refuses access (some privacy modes throw). */
export function browserStore(): KeyValueStore {
  try {
    const ls = window.localStorage;
    ls.getItem(RECENT_KEY);
    return ls;
  } catch {
    if (!fallback) {
      const memory = new Map<string, string>();
      fallback = {
        getItem: (k) => memory.get(k) ?? null,
        setItem: (k, v) => void memory.set(k, v),
      };
    }
    return fallback;
  }
}
