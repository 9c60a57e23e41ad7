/**
 * "You were mentioned": comments in open threads that mention your name (by someone else) and that you
 * have not looked at yet. Looking means opening the thread; what you have seen is remembered per document
 * in this browser, so the badge does not come back on every visit.
 */
import type { ThreadData } from './comments';
import { mentions } from './mentions';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** How many seen comment ids are kept per document (the oldest are forgotten first). */
export const SEEN_LIMIT = 500;

const seenKey = (docId: string) => `tandem:mentions-seen:${docId}`;

/** The ids of comments mentioning `selfName` that are still unseen, by thread id (open threads only). */
export function unseenMentions(threads: readonly ThreadData[], selfName: string, seen: ReadonlySet<string>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const thread of threads) {
    if (thread.resolved) continue;
    const ids = thread.comments.filter((c) => c.author !== selfName && !seen.has(c.id) && mentions(c.body, selfName)).map((c) => c.id);
    if (ids.length > 0) result.set(thread.id, ids);
  }
  return result;
}

export function loadSeen(store: KeyValueStore, docId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(seenKey(docId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string').slice(-SEEN_LIMIT) : [];
  } catch {
    return [];
  }
}

/** Adds ids to what was seen (kept in order, newest last, at most SEEN_LIMIT) and returns the new list. */
export function saveSeen(store: KeyValueStore, docId: string, seen: readonly string[], added: readonly string[]): string[] {
  const next = [...seen.filter((id) => !added.includes(id)), ...added].slice(-SEEN_LIMIT);
  try {
    store.setItem(seenKey(docId), JSON.stringify(next));
  } catch {
    // Storage unavailable: seen for this page only.
  }
  return next;
}
