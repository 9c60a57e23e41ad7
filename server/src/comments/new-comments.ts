import { COMMENTS_MAP } from '@tandem/common';
import * as Y from 'yjs';
import type { NewComment } from '../doc-events.js';

/**
 * The comments a transaction created: each comment `Y.Map` inserted by it (in a new thread or a reply to an
 * existing one) and still alive at its end. Read from what Yjs recorded as changed, so a transaction that does
 * not reach `comments` costs one map lookup, and one that does costs only the threads it touched — never a
 * walk over every thread of the document.
 */
export function newComments(transaction: Y.Transaction): NewComment[] {
  // Read through `doc.share`, never `doc.getMap` [WH2]: a root Yjs first meets inside an update is a placeholder
  // type, and asking for it as a map replaces it with a new instance, one this transaction's records do not
  // name — its new comments would go untold. (Reading also keeps a document without comments without the root,
  // which spares every later update the comment checks [CM1].)
  const root = transaction.doc.share.get(COMMENTS_MAP);
  // A placeholder root calls no observers, so a key set on it is only in `changed`; changes deeper in are in both.
  if (!root || (!transaction.changed.has(root) && !transaction.changedParentTypes.has(root))) return [];
  const isNew = (item: Y.Item | null): boolean =>
    item !== null && !item.deleted && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  const found: NewComment[] = [];
  const collect = (threadId: string, thread: Y.Map<unknown>, only: (comment: Y.Map<unknown>) => boolean) => {
    const list = thread.get('comments');
    if (!(list instanceof Y.Array)) return;
    const quote = thread.get('quote');
    for (const comment of list.toArray()) {
      if (!(comment instanceof Y.Map) || !only(comment)) continue;
      const field = (key: string) => comment.get(key);
      found.push({
        threadId,
        quote: typeof quote === 'string' ? quote : '',
        id: String(field('id') ?? ''),
        author: String(field('author') ?? ''),
        body: String(field('body') ?? ''),
        createdAt: typeof field('createdAt') === 'number' ? (field('createdAt') as number) : Date.now(),
      });
    }
  };
  // Threads that existed before: Yjs lists their `comments` arrays as changed when a reply lands in them.
  for (const type of transaction.changed.keys()) {
    const thread = type._item?.parent;
    if (!(type instanceof Y.Array) || type._item?.parentSub !== 'comments' || !(thread instanceof Y.Map)) continue;
    const threadItem = thread._item;
    if (!threadItem || threadItem.parent !== root || isNew(threadItem) || typeof threadItem.parentSub !== 'string') continue;
    collect(threadItem.parentSub, thread, (comment) => isNew(comment._item));
  }
  // Threads made by this transaction: Yjs records only the root's key; every comment in them is new.
  for (const key of transaction.changed.get(root) ?? []) {
    if (key === null) continue;
    const item = root._map.get(key);
    // What `Y.Map.get` reads: the live item's last value.
    const thread = item && !item.deleted ? item.content.getContent()[item.length - 1] : undefined;
    if (thread instanceof Y.Map && isNew(thread._item)) collect(key, thread, () => true);
  }
  return found;
}
