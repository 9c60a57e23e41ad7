import * as Y from 'yjs';
import { COMMENTS_MAP, COMMENT_FIELDS, COMMENT_LIMITS, THREAD_FIELDS } from '@tandem/common';
import { typeHeld } from './comment-scope.js';
import type { CommentsContainer, Insert, Place, Reach } from './reach.js';

/** The bounds the shape check enforces (`COMMENT_LIMITS` unless a test asks for smaller ones). */
export type CommentLimits = { readonly [K in keyof typeof COMMENT_LIMITS]: number };

type CommentsPlace = Extract<Place, { kind: 'comments' }>;
/** What an item holds (Yjs does not export the base class of its content classes). */
type Content = Y.Item['content'];
type Check = (content: Content, limits: CommentLimits) => boolean;

/** Each value a thread or comment map may hold, by key (a value deleted at once, `ContentDeleted`, fits any key). */
const THREAD_VALUES: Record<(typeof THREAD_FIELDS)[number], Check> = {
  quote: (c, l) => anyValues(c, (v) => typeof v === 'string' && v.length <= l.maxQuoteLength),
  from: (c, l) => c instanceof Y.ContentBinary && c.content.byteLength <= l.maxPositionBytes,
  to: (c, l) => c instanceof Y.ContentBinary && c.content.byteLength <= l.maxPositionBytes,
  resolved: (c) => anyValues(c, (v) => typeof v === 'boolean'),
  comments: (c) => holds(c, Y.Array),
};
const COMMENT_VALUES: Record<(typeof COMMENT_FIELDS)[number], Check> = {
  id: (c, l) => anyValues(c, (v) => isId(v, l)),
  author: (c, l) => anyValues(c, (v) => typeof v === 'string' && v.length <= l.maxAuthorLength),
  body: (c, l) => anyValues(c, (v) => typeof v === 'string' && v.length <= l.maxBodyLength),
  createdAt: (c) => anyValues(c, (v) => typeof v === 'number' && Number.isFinite(v)),
};

/**
 * [CM3] Whether what an update puts under `comments` has the contract's shape, whatever the link's scope:
 * thread entries are Y.Maps keyed by an id, holding exactly `quote`, `from`, `to`, `resolved` and a `comments`
 * Y.Array of comment Y.Maps `{id, author, body, createdAt}`; sizes within `limits`. Judged on the decoded
 * structs (their content classes and values), never by applying the update:
 * - every inserted item fits its slot (key and value type, bounded size);
 * - a thread or comment created by the update comes complete: each field set, its newest value alive;
 * - a field of an existing entry keeps a value: the update may replace it, never leave it without one
 *   (the newest item for a map key is either the document's current one or an update item that no other
 *   update item names as its origin — so each such "tip" must be alive, and a deleted current value must be
 *   followed by a live tip);
 * - at most `maxThreadsPerDoc` threads, `maxCommentsPerThread` comments per thread.
 * Returns why it does not fit, or null.
 */
export function checkCommentShape(reach: Reach, limits: CommentLimits = COMMENT_LIMITS): string | null {
  const byKey = new Map<CommentsContainer, Map<string, Insert[]>>();
  const inArray = new Map<CommentsContainer, Insert[]>();
  const newEntries: Insert[] = [];
  const insertOf = new Map<Y.AbstractStruct, Insert>();
  for (const insert of reach.inserts) {
    const { struct, place } = insert;
    if (place.kind !== 'comments' || !(struct instanceof Y.Item)) continue;
    const refused = slotRefusal(struct, place, limits);
    if (refused) return refused;
    insertOf.set(struct, insert);
    if (place.key !== null) {
      let keys = byKey.get(place.container);
      if (!keys) byKey.set(place.container, (keys = new Map()));
      const list = keys.get(place.key);
      if (list) list.push(insert);
      else keys.set(place.key, [insert]);
    } else {
      const list = inArray.get(place.container);
      if (list) list.push(insert);
      else inArray.set(place.container, [insert]);
    }
    if ((place.depth === 1 || place.depth === 3) && holds(struct.content, Y.Map)) newEntries.push(insert);
  }
  const shape = new EntryShape(reach, byKey, insertOf);
  return shape.newEntriesComplete(newEntries) ?? shape.fieldsKept() ?? shape.withinCounts(newEntries, inArray, limits);
}

/** Why an inserted item does not fit where it lands, or null. */
function slotRefusal(item: Y.Item, place: CommentsPlace, limits: CommentLimits): string | null {
  const { content } = item;
  const deleted = content instanceof Y.ContentDeleted;
  const holder = place.container.holder;
  switch (place.depth) {
    case 1:
      if (!isId(place.key, limits)) return 'a thread needs an id of 1 to 64 characters as its key';
      return deleted || holds(content, Y.Map) ? null : 'a thread must be a Y.Map';
    case 2: {
      if (!holder || !holds(holder.content, Y.Map)) return 'only a Y.Map thread holds fields';
      const check = THREAD_VALUES[place.key as keyof typeof THREAD_VALUES] as Check | undefined;
      if (!check) return `a thread has no field ${JSON.stringify(place.key)}`;
      return deleted || check(content, limits) ? null : `thread field ${place.key} has the wrong type or size`;
    }
    case 3: {
      if (!holder || !holds(holder.content, Y.Array) || place.container.key !== 'comments') {
        return 'comments live only in a thread’s comments array';
      }
      if (place.key !== null) return 'a thread’s comments array has no keys';
      return deleted || holds(content, Y.Map) ? null : 'a comment must be a Y.Map';
    }
    case 4: {
      if (!holder || !holds(holder.content, Y.Map)) return 'only a Y.Map comment holds fields';
      const check = COMMENT_VALUES[place.key as keyof typeof COMMENT_VALUES] as Check | undefined;
      if (!check) return `a comment has no field ${JSON.stringify(place.key)}`;
      return deleted || check(content, limits) ? null : `comment field ${place.key} has the wrong type or size`;
    }
    default:
      return 'nothing lies below a comment’s fields';
  }
}

/** The checks that need several items at once: complete new entries, kept fields, counts. */
class EntryShape {
  private readonly containerOfHolder = new Map<Y.Item, CommentsContainer>();

  constructor(
    private readonly reach: Reach,
    private readonly byKey: Map<CommentsContainer, Map<string, Insert[]>>,
    private readonly insertOf: Map<Y.AbstractStruct, Insert>,
  ) {
    for (const container of byKey.keys()) if (container.holder) this.containerOfHolder.set(container.holder, container);
  }

  /** Every thread or comment the update creates, and which stays, has every field with a live newest value. */
  newEntriesComplete(entries: Insert[]): string | null {
    for (const { struct, place } of entries) {
      const item = struct as Y.Item;
      if (place.kind !== 'comments' || !this.survives(item, place.container)) continue;
      const fields = place.depth === 1 ? THREAD_FIELDS : COMMENT_FIELDS;
      const container = this.containerOfHolder.get(item);
      for (const key of fields) {
        const values = container ? this.byKey.get(container)?.get(key) : undefined;
        if (!values || !this.tipsAlive(values)) return `a new ${place.depth === 1 ? 'thread' : 'comment'} needs its field ${key}`;
      }
    }
    return null;
  }

  /**
   * Fields of entries that stay keep a value: every newest update item for a key is alive, and a current
   * value the update deletes is followed by one.
   */
  fieldsKept(): string | null {
    for (const [container, keys] of this.byKey) {
      // Threads may go; so may the fields of an entry that goes.
      if (container.depth === 1 || !this.survives(container.holder!, container.parent)) continue;
      for (const [key, values] of keys) if (!this.tipsAlive(values)) return `the update leaves field ${key} without a value`;
    }
    for (const { item, place, inUpdate } of this.reach.deletes) {
      if (inUpdate || place.kind !== 'comments' || (place.depth !== 2 && place.depth !== 4) || place.key === null) continue;
      const fields: readonly string[] = place.depth === 2 ? THREAD_FIELDS : COMMENT_FIELDS;
      const holder = place.container.holder!;
      if (!fields.includes(place.key) || typeHeld(holder)?._map.get(place.key) !== item) continue;
      if (!this.survives(holder, place.container.parent!)) continue;
      const followers = this.byKey.get(place.container)?.get(place.key) ?? [];
      if (!followers.some((insert) => this.isTip(insert, followers) && this.alive(insert.struct as Y.Item) && this.descends(insert, item))) {
        return `the update deletes field ${place.key} of an entry that stays`;
      }
    }
    return null;
  }

  /** At most `maxThreadsPerDoc` threads and `maxCommentsPerThread` comments per thread once it applies. */
  withinCounts(newEntries: Insert[], inArray: Map<CommentsContainer, Insert[]>, limits: CommentLimits): string | null {
    const newThreads = newEntries.filter((e) => e.place.kind === 'comments' && e.place.depth === 1 && this.alive(e.struct as Y.Item));
    const root = this.reach.doc.share.get(COMMENTS_MAP);
    // Every key the root ever had (deleted threads included) bounds the count from above: O(1), usually enough.
    if (newThreads.length > 0 && (root?._map.size ?? 0) + newThreads.length > limits.maxThreadsPerDoc) {
      const keys = new Set<string>();
      root?._map.forEach((item, key) => {
        if (!item.deleted && !this.reach.deletedByUpdate(item.id)) keys.add(key);
      });
      for (const { place } of newThreads) if (place.kind === 'comments' && place.key !== null) keys.add(place.key);
      if (keys.size > limits.maxThreadsPerDoc) return `a document holds at most ${limits.maxThreadsPerDoc} threads`;
    }
    for (const [container, inserts] of inArray) {
      const added = inserts.filter((e) => holds((e.struct as Y.Item).content, Y.Map) && this.alive(e.struct as Y.Item)).length;
      if (added === 0) continue;
      const list = container.holder ? typeHeld(container.holder) : null;
      // Its live length bounds the count from above (O(1)); count exactly only when that is not enough.
      if ((list?._length ?? 0) + added <= limits.maxCommentsPerThread) continue;
      let count = added;
      for (let item = list?._start ?? null; item !== null; item = item.right) {
        if (!item.deleted && item.countable && !this.reach.deletedByUpdate(item.id)) count += item.length;
      }
      if (count > limits.maxCommentsPerThread) return `a thread holds at most ${limits.maxCommentsPerThread} comments`;
    }
    return null;
  }

  /** Every update item for one key that no other one names as its origin is alive. */
  private tipsAlive(values: Insert[]): boolean {
    return values.every((insert) => !this.isTip(insert, values) || this.alive(insert.struct as Y.Item));
  }

  private isTip(insert: Insert, values: Insert[]): boolean {
    return !values.some((other) => other !== insert && other.originNode === insert.struct);
  }

  /** Whether `insert`'s chain of origins (through update items of the same key) reaches `item`. */
  private descends(insert: Insert, item: Y.Item): boolean {
    for (let node = insert.originNode, steps = 0; node !== null && steps <= this.insertOf.size; steps++) {
      if (node === item) return true;
      node = this.insertOf.get(node)?.originNode ?? null;
    }
    return false;
  }

  /** Not deleted now, not deleted by the update, not inserted as deleted. */
  private alive(item: Y.Item): boolean {
    if (item.deleted || item.content instanceof Y.ContentDeleted) return false;
    return !this.reach.deletedByUpdate(Y.createID(item.id.client, item.id.clock + item.length - 1));
  }

  /** Whether an entry and every entry holding it stay alive. */
  private survives(item: Y.Item, container: CommentsContainer | null): boolean {
    if (!this.alive(item)) return false;
    for (let c = container; c !== null && c.holder !== null; c = c.parent) if (!this.alive(c.holder)) return false;
    return true;
  }
}

function anyValues(content: Content, accept: (value: unknown) => boolean): boolean {
  return content instanceof Y.ContentAny && content.arr.every(accept);
}

/** Whether content is a type of exactly this class (a Y.XmlHook is a Y.Map subclass, and no thread). */
function holds(content: Content, type: typeof Y.Map | typeof Y.Array): boolean {
  return content instanceof Y.ContentType && content.type.constructor === type;
}

function isId(value: unknown, limits: CommentLimits): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= limits.maxIdLength;
}
