import * as Y from 'yjs';
import { COMMENTS_MAP } from '@tandem/common';
import { formattingUnchanged } from './format-cleanup.js';
import type { CommentsContainer, Place, Reach } from './reach.js';

/** Why a comment connection's update was refused; each is a label of `tandem_update_refusals_total`. */
export type ScopeRefusalReason = 'outside_comments' | 'unplaced' | 'foreign_client' | 'not_own';

export interface ScopeRefusal {
  reason: ScopeRefusalReason;
  message: string;
}

/**
 * [CM2][CM4] What a comment connection may change, judged on an update's reach (see `reach.ts`):
 * - everything it inserts or deletes lies under the root `comments` map, and every part of it can be placed —
 *   except formatting markers in text whose deletion changes no character's formatting (Yjs's own cleanup of
 *   redundant markers, which every page runs after others' formatting changes: see `format-cleanup.ts`);
 * - it writes only under Yjs client ids its connection owns (announced in its awareness [A1]);
 * - "own" entries: it may add threads, reply to any thread and resolve or reopen any thread; it may change or
 *   delete only the comments (and threads) its own client ids created — a thread only while every comment in
 *   it is its own too. `owns` says which client ids are the connection's.
 * Null when the update is allowed.
 */
export function checkCommentScope(reach: Reach, owns: (client: number) => boolean): ScopeRefusal | null {
  if (reach.unplaced) return { reason: 'unplaced', message: `update cannot be placed: ${reach.unplaced}` };
  for (const { struct, place, rightContainer } of reach.inserts) {
    if (!owns(struct.id.client)) return { reason: 'foreign_client', message: 'update writes under a client id this connection does not own' };
    if (place.kind === 'none') continue;
    if (place.kind === 'outside') return outside();
    // An honest item's right neighbour shares its parent; one elsewhere would only steer where it lands.
    if (rightContainer && rightContainer !== place.container) return outside();
    const refusal = mayInsert(reach, place, owns);
    if (refusal) return refusal;
  }
  // Formatting markers outside the comments, per text: allowed only if deleting them changes nothing visible.
  const markers = new Map<Y.AbstractType<unknown>, Set<Y.Item>>();
  for (const { item, place, inUpdate } of reach.deletes) {
    if (place.kind === 'none') continue;
    if (place.kind === 'outside') {
      if (inUpdate || !(item.content instanceof Y.ContentFormat)) return outside();
      const text = item.parent as Y.AbstractType<unknown>;
      const set = markers.get(text) ?? new Set<Y.Item>();
      markers.set(text, set.add(item));
      continue;
    }
    if (!mayDelete(item, place, owns)) return notOwn('update deletes comments this connection did not write');
  }
  for (const [text, removed] of markers) if (!formattingUnchanged(text, removed)) return outside();
  return null;
}

type CommentsPlace = Extract<Place, { kind: 'comments' }>;

function mayInsert(reach: Reach, place: CommentsPlace, owns: (client: number) => boolean): ScopeRefusal | null {
  switch (place.depth) {
    case 1: {
      // A new thread entry replaces whatever the key held: only if that could be deleted by this connection.
      const current = place.key === null ? undefined : currentEntry(reach, place.container, place.key);
      if (current && !current.deleted && !mayDeleteThread(current, owns)) return notOwn('update replaces a thread of someone else');
      return null;
    }
    case 2:
      // Anyone who may comment may resolve or reopen a thread; its quote, anchors and list are its author's.
      return place.key === 'resolved' || owns(place.thread.id.client) ? null : notOwn('update changes a thread of someone else');
    case 3:
      return null;
    case 4:
      return owns(place.comment!.id.client) ? null : notOwn('update edits a comment of someone else');
    default:
      return notOwn('update writes below a comment');
  }
}

function mayDelete(item: Y.Item, place: CommentsPlace, owns: (client: number) => boolean): boolean {
  switch (place.depth) {
    case 1:
      return mayDeleteThread(item, owns);
    case 2:
      return place.key === 'resolved' || owns(place.thread.id.client);
    default:
      return owns(place.comment?.id.client ?? place.thread.id.client);
  }
}

/** A thread entry may go if its creator is this connection and every live comment in it is too. */
function mayDeleteThread(thread: Y.Item, owns: (client: number) => boolean): boolean {
  if (!owns(thread.id.client)) return false;
  const map = typeHeld(thread);
  const list = map?._map.get('comments');
  const array = list && !list.deleted ? typeHeld(list) : null;
  for (let item = array?._start ?? null; item !== null; item = item.right) {
    if (!item.deleted && !owns(item.id.client)) return false;
  }
  return true;
}

/** The document's current item for `key` in a container that exists in the document; undefined otherwise. */
export function currentEntry(reach: Reach, container: CommentsContainer, key: string): Y.Item | undefined {
  const type = container.holder === null ? reach.doc.share.get(COMMENTS_MAP) : typeHeld(container.holder);
  return type?._map.get(key);
}

/** The type an item holds, if it holds one (a document item; an update item's type is not integrated). */
export function typeHeld(item: Y.Item): Y.AbstractType<unknown> | null {
  return item.content instanceof Y.ContentType ? (item.content.type as Y.AbstractType<unknown>) : null;
}

const outside = (): ScopeRefusal => ({ reason: 'outside_comments', message: 'a comment link may change only the comments' });
const notOwn = (message: string): ScopeRefusal => ({ reason: 'not_own', message });
