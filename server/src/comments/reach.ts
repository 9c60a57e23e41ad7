import * as Y from 'yjs';
import { COMMENTS_MAP } from '@tandem/common';

/**
 * [CM1] Where an update reaches in a document, worked out from the decoded update and the document as it
 * is, without applying anything (not even to a copy: that would cost a copy of the document per update).
 *
 * Yjs does not say where an item goes; it says what the item was next to. An item names its parent only
 * when it has no neighbours: by root name (`comments`), or by the id of the item holding the parent type.
 * Otherwise its parent (and map key) is its left neighbour's (`origin`), or its right neighbour's
 * (`rightOrigin`) when it has no left one — and that neighbour may be in the document or earlier in the
 * same update, itself placed by its own neighbours. This module follows those links exactly as
 * `Item.getMissing` does when Yjs integrates: a neighbour that was garbage-collected makes the item a
 * collected range (`none`: it never becomes content); a part of a struct the document already holds is
 * skipped, and the rest is placed after the document's own previous item of that client. Anything that
 * depends on a change neither the document nor the update holds cannot be placed (Yjs would hold it back).
 *
 * The module never writes to the document: it reads `doc.store` and `doc.share` (never `doc.get…`, which
 * would create roots).
 */

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** Where the children of one parent type lie: under another root, nowhere (collected), or under `comments`. */
export type Container = OutsideContainer | NoContainer | CommentsContainer;

interface OutsideContainer {
  kind: 'outside';
}
interface NoContainer {
  kind: 'none';
}
export interface CommentsContainer {
  kind: 'comments';
  /** Depth of its children below the root: 1 thread entries, 2 thread fields, 3 comments, 4 comment fields. */
  depth: number;
  /** The item holding this container's type; null for the root `comments` map. */
  holder: Y.Item | null;
  /** The thread entry (depth 1) it lies in; null for the root. */
  thread: Y.Item | null;
  /** The comment entry (depth 3) it lies in, if that deep. */
  comment: Y.Item | null;
  /** The container `holder` lies in; null for the root. */
  parent: CommentsContainer | null;
  /** `holder`'s map key in `parent` (null for the root, and in arrays). */
  key: string | null;
}

/** Where one item lies. For items under `comments`, also which thread and comment it belongs to. */
export type Place =
  | { kind: 'outside' }
  | { kind: 'none' }
  | {
      kind: 'comments';
      container: CommentsContainer;
      /** Its map key (`parentSub`), null in an array. */
      key: string | null;
      depth: number;
      /** The thread entry: itself at depth 1. */
      thread: Y.Item;
      /** The comment entry: itself at depth 3; null above depth 3. */
      comment: Y.Item | null;
    };

/** A struct the update would integrate (the parts of it the document does not hold yet). */
export interface Insert {
  struct: Y.Item | Y.GC;
  place: Place;
  /** The container its right neighbour lies in, when it names one (an honest one shares the item's). */
  rightContainer: Container | null;
  /** The item (document or update) its left origin points into, if any. */
  originNode: Y.Item | null;
}

/** A live item the update's delete set would delete. */
export interface Deletion {
  item: Y.Item;
  place: Place;
  /** True for an item of the update itself (inserted and deleted at once). */
  inUpdate: boolean;
}

/** What an update would change, and where. */
export interface Reach {
  inserts: Insert[];
  deletes: Deletion[];
  /** Why part of it cannot be placed (it depends on changes nobody gave the server), or null. */
  unplaced: string | null;
  /**
   * A shape no Yjs client produces and Yjs would integrate inconsistently (the rest of a struct whose first
   * part lies under another parent: Yjs would link it into one list and give it the other's parent), or null.
   */
  malformed: string | null;
  /** Whether an id lies in the update's delete set. */
  deletedByUpdate(id: Y.ID): boolean;
  /** The document the update was placed in. */
  doc: Y.Doc;
}

const NONE: NoContainer = { kind: 'none' };
const OUTSIDE: OutsideContainer = { kind: 'outside' };
/** An update struct whose place is being worked out (cycle detection), or could not be. */
const IN_PROGRESS = Symbol('in progress');
const UNPLACED = Symbol('unplaced');

/**
 * Whether an update could reach under `comments` at all: only if the document already has that root, or the
 * update names it. Everything else about the update can then be skipped (edit connections' fast path).
 */
export function mayReachComments(doc: Y.Doc, parts: readonly DecodedUpdate[]): boolean {
  if (doc.share.has(COMMENTS_MAP)) return true;
  for (const part of parts) {
    for (const struct of part.structs) if (struct instanceof Y.Item && (struct.parent as unknown) === COMMENTS_MAP) return true;
  }
  return false;
}

/**
 * Places every struct and every deleted range of `parts` (an update, plus for a second look the changes the
 * document holds back) in `doc`. Pure: reads `doc`, never changes it.
 */
export function reachOf(doc: Y.Doc, parts: readonly DecodedUpdate[]): Reach {
  return new ReachResolver(doc, parts).resolve();
}

/** Structs of one client in the update, sorted by clock, with where contiguous coverage from the document ends. */
interface ClientRun {
  structs: (Y.Item | Y.GC | Y.Skip)[];
  /** Clocks below this are integrated when the update applies (document state, extended by contiguous structs). */
  reachable: number;
}

class ReachResolver {
  private readonly store: Y.Doc['store'];
  private readonly commentsRoot: Y.AbstractType<unknown> | undefined;
  private readonly runs = new Map<number, ClientRun>();
  private readonly docContainers = new Map<Y.AbstractType<unknown>, Container>();
  private readonly updatePlaces = new Map<Y.Item | Y.GC, Place | typeof IN_PROGRESS | typeof UNPLACED>();
  private readonly holderContainers = new Map<Y.Item, Container>();
  private readonly rightContainers = new Map<Y.Item, Container | null>();
  private readonly originNodes = new Map<Y.Item, Y.Item | null>();
  /** Per client, the update's deleted ranges, sorted and merged (disjoint). */
  private readonly deleted = new Map<number, { clock: number; len: number }[]>();
  /** The structs of the update (a part of one may precede the document's state, so clocks cannot tell). */
  private readonly updateStructs = new Set<Y.AbstractStruct>();
  private readonly rootContainer: CommentsContainer = { kind: 'comments', depth: 1, holder: null, thread: null, comment: null, parent: null, key: null };
  private unplaced: string | null = null;
  private malformed: string | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly parts: readonly DecodedUpdate[],
  ) {
    this.store = doc.store;
    this.commentsRoot = doc.share.get(COMMENTS_MAP) as Y.AbstractType<unknown> | undefined;
  }

  resolve(): Reach {
    this.indexStructs();
    this.indexDeletes();
    const inserts: Insert[] = [];
    for (const [client, run] of this.runs) {
      const state = Y.getState(this.store, client);
      for (const struct of run.structs) {
        if (struct instanceof Y.Skip) continue;
        const end = struct.id.clock + struct.length;
        if (struct.id.clock >= run.reachable) {
          this.refuse('it depends on changes the server does not have');
          continue;
        }
        if (end <= state) {
          // Already integrated: Yjs skips it, but still looks up what it refers to (and holds it back if missing).
          if (struct instanceof Y.Item && !this.refsKnown(struct)) this.refuse('it refers to changes the server does not have');
          continue;
        }
        const place = this.placeOfUpdate(struct);
        if (place === UNPLACED) {
          this.refuse('part of it cannot be placed');
          continue;
        }
        inserts.push({
          struct,
          place,
          rightContainer: struct instanceof Y.Item ? (this.rightContainers.get(struct) ?? null) : null,
          originNode: struct instanceof Y.Item ? (this.originNodes.get(struct) ?? null) : null,
        });
      }
    }
    return {
      inserts,
      deletes: this.resolveDeletes(),
      unplaced: this.unplaced,
      malformed: this.malformed,
      deletedByUpdate: (id) => this.isDeletedByUpdate(id.client, id.clock),
      doc: this.doc,
    };
  }

  private refuse(reason: string): void {
    this.unplaced ??= reason;
  }

  /** Groups the structs per client by clock, and finds how far each client's run continues the document. */
  private indexStructs(): void {
    for (const part of this.parts) {
      for (const struct of part.structs) {
        this.updateStructs.add(struct);
        const client = struct.id.client;
        let run = this.runs.get(client);
        if (!run) this.runs.set(client, (run = { structs: [], reachable: 0 }));
        run.structs.push(struct);
      }
    }
    for (const [client, run] of this.runs) {
      if (this.parts.length > 1) run.structs.sort((a, b) => a.id.clock - b.id.clock);
      let reachable = Y.getState(this.store, client);
      for (const struct of run.structs) {
        if (struct instanceof Y.Skip || struct.id.clock > reachable) break;
        reachable = Math.max(reachable, struct.id.clock + struct.length);
      }
      run.reachable = reachable;
    }
  }

  private indexDeletes(): void {
    for (const part of this.parts) {
      for (const [client, ranges] of part.ds.clients) {
        let list = this.deleted.get(client);
        if (!list) this.deleted.set(client, (list = []));
        for (const { clock, len } of ranges) list.push({ clock, len });
      }
    }
    for (const [client, list] of this.deleted) {
      list.sort((a, b) => a.clock - b.clock);
      const merged: { clock: number; len: number }[] = [];
      for (const range of list) {
        const last = merged[merged.length - 1];
        if (last && range.clock <= last.clock + last.len) last.len = Math.max(last.len, range.clock + range.len - last.clock);
        else merged.push({ ...range });
      }
      this.deleted.set(client, merged);
    }
  }

  private isDeletedByUpdate(client: number, clock: number): boolean {
    const ranges = this.deleted.get(client);
    if (!ranges) return false;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid]!.clock <= clock) lo = mid + 1;
      else hi = mid - 1;
    }
    const range = ranges[hi];
    return range !== undefined && clock < range.clock + range.len;
  }

  /** The document struct or the update struct holding `id`; null when neither holds it (or it lies past a gap). */
  private nodeAt(id: Y.ID): Y.Item | Y.GC | null {
    const structs = this.store.clients.get(id.client);
    if (structs && id.clock < Y.getState(this.store, id.client)) return structs[Y.findIndexSS(structs, id.clock)] as Y.Item | Y.GC;
    const run = this.runs.get(id.client);
    if (!run || id.clock >= run.reachable) return null;
    const found = findInRun(run.structs, id.clock);
    return found instanceof Y.Skip ? null : found;
  }

  /** Whether a struct's origin, right origin and parent id all exist (in the document or the update). */
  private refsKnown(item: Y.Item): boolean {
    for (const ref of [item.origin, item.rightOrigin, item.parent instanceof Y.ID ? item.parent : null]) {
      if (ref && ref.client !== item.id.client && !this.nodeAt(ref)) return false;
    }
    return true;
  }

  /** A document item's place, from the container of its parent type. */
  private placeOfDoc(item: Y.Item): Place {
    return placeIn(this.containerOfType(item.parent as Y.AbstractType<unknown>), item, item.parentSub);
  }

  private containerOfType(type: Y.AbstractType<unknown>): Container {
    const known = this.docContainers.get(type);
    if (known) return known;
    let container: Container;
    if (type._item === null) container = type === this.commentsRoot ? this.rootContainer : OUTSIDE;
    else container = childContainer(type._item, this.placeOfDoc(type._item));
    this.docContainers.set(type, container);
    return container;
  }

  /** The place of any node: a document item, a collected range, or a struct of the update. */
  private placeOfNode(node: Y.Item | Y.GC): Place | typeof UNPLACED {
    if (node instanceof Y.GC) return { kind: 'none' };
    if (this.isUpdateStruct(node)) return this.placeOfUpdate(node);
    return this.placeOfDoc(node);
  }

  private isUpdateStruct(node: Y.AbstractStruct): boolean {
    return this.updateStructs.has(node);
  }

  /**
   * An update struct's place. Iterative (an update may chain thousands of items, each placed by the one
   * before); a cycle of references, which no real update has, leaves everything on it unplaced.
   */
  private placeOfUpdate(start: Y.Item | Y.GC): Place | typeof UNPLACED {
    const stack: (Y.Item | Y.GC)[] = [start];
    while (stack.length > 0) {
      const struct = stack[stack.length - 1]!;
      const known = this.updatePlaces.get(struct);
      if (known !== undefined && known !== IN_PROGRESS) {
        stack.pop();
        continue;
      }
      if (struct instanceof Y.GC) {
        this.updatePlaces.set(struct, { kind: 'none' });
        stack.pop();
        continue;
      }
      const waiting = this.unresolvedRefs(struct);
      if (waiting === null) {
        this.updatePlaces.set(struct, UNPLACED);
        stack.pop();
        continue;
      }
      if (waiting.length > 0) {
        if (known === IN_PROGRESS || waiting.some((ref) => this.updatePlaces.get(ref) === IN_PROGRESS)) {
          this.updatePlaces.set(struct, UNPLACED);
          this.refuse('its changes refer to each other in a cycle');
          stack.pop();
          continue;
        }
        this.updatePlaces.set(struct, IN_PROGRESS);
        stack.push(...waiting);
        continue;
      }
      this.updatePlaces.set(struct, this.placeItem(struct));
      stack.pop();
    }
    return this.updatePlaces.get(start) as Place | typeof UNPLACED;
  }

  /** The update structs `item`'s references point to that are not placed yet; null when a reference is missing. */
  private unresolvedRefs(item: Y.Item): (Y.Item | Y.GC)[] | null {
    const waiting: (Y.Item | Y.GC)[] = [];
    for (const ref of [item.origin, item.rightOrigin, item.parent instanceof Y.ID ? item.parent : null]) {
      if (!ref) continue;
      const node = this.nodeAt(ref);
      if (!node) {
        this.refuse('it refers to changes the server does not have');
        return null;
      }
      if (this.isUpdateStruct(node) && node !== item) {
        const place = this.updatePlaces.get(node);
        if (place === UNPLACED) return null;
        if (place === undefined || place === IN_PROGRESS) waiting.push(node);
      }
    }
    return waiting;
  }

  /** `Item.getMissing` and the offset step of `Item.integrate`, as places; every reference is resolved. */
  private placeItem(item: Y.Item): Place | typeof UNPLACED {
    const left = item.origin ? this.nodeAt(item.origin) : null;
    const right = item.rightOrigin ? this.nodeAt(item.rightOrigin) : null;
    const leftPlace = left ? this.placeOfNode(left) : null;
    const rightPlace = right ? this.placeOfNode(right) : null;
    if (leftPlace === UNPLACED || rightPlace === UNPLACED) return UNPLACED;
    this.originNodes.set(item, left instanceof Y.Item ? left : null);
    this.rightContainers.set(item, rightPlace ? containerOf(rightPlace) : null);
    let place: Place | typeof UNPLACED;
    if (leftPlace?.kind === 'none' || rightPlace?.kind === 'none') {
      // A collected neighbour: Yjs integrates the item as a collected range.
      place = { kind: 'none' };
    } else if (left || right) {
      const neighbour = (left ?? right) as Y.Item;
      const neighbourPlace = (leftPlace ?? rightPlace)!;
      place = placeIn(containerOf(neighbourPlace), item, this.keyOf(neighbour, neighbourPlace));
    } else {
      place = this.placeByParent(item);
    }
    if (place === UNPLACED || place.kind === 'none') return place;
    return this.checkContinuation(item, place);
  }

  private placeByParent(item: Y.Item): Place | typeof UNPLACED {
    const parent = item.parent as unknown;
    if (typeof parent === 'string') return placeIn(parent === COMMENTS_MAP ? this.rootContainer : OUTSIDE, item, item.parentSub);
    if (!(parent instanceof Y.ID)) return UNPLACED;
    const holder = this.nodeAt(parent);
    if (!holder) return UNPLACED;
    const holderPlace = this.placeOfNode(holder);
    if (holderPlace === UNPLACED) return UNPLACED;
    // A collected holder, or one whose content is no type (collected after deletion): Yjs collects the item.
    if (holder instanceof Y.GC || holderPlace.kind === 'none' || !(holder.content instanceof Y.ContentType)) return { kind: 'none' };
    return placeIn(this.containerOfHolder(holder, holderPlace), item, item.parentSub);
  }

  private containerOfHolder(holder: Y.Item, holderPlace: Place): Container {
    if (!this.isUpdateStruct(holder)) return this.containerOfType((holder.content as Y.ContentType).type as Y.AbstractType<unknown>);
    let container = this.holderContainers.get(holder);
    if (!container) this.holderContainers.set(holder, (container = childContainer(holder, holderPlace)));
    return container;
  }

  /** A neighbour's map key: a document item knows it; an update item's was derived with its place. */
  private keyOf(node: Y.Item, place: Place): string | null {
    if (place.kind === 'comments') return place.key;
    return this.isUpdateStruct(node) ? null : node.parentSub;
  }

  /**
   * Part of this struct may already be integrated (a sync step2 racing a live update resends it): Yjs then
   * puts the rest right after the client's previous item, keeping the parent it derived. An honest struct's
   * previous item has that same parent and key; one that does not cannot be placed.
   */
  private checkContinuation(item: Y.Item, place: Exclude<Place, { kind: 'none' }>): Place | typeof UNPLACED {
    const state = Y.getState(this.store, item.id.client);
    if (item.id.clock >= state) return place;
    const previous = this.nodeAt(Y.createID(item.id.client, state - 1));
    if (!(previous instanceof Y.Item)) return this.unplace('its continuation follows a collected change');
    const previousPlace = this.placeOfDoc(previous);
    const same =
      previousPlace.kind === place.kind &&
      (place.kind !== 'comments' ||
        (previousPlace.kind === 'comments' && previousPlace.container === place.container && previousPlace.key === place.key));
    if (same) return place;
    this.malformed ??= 'an item continues a change that lies under another parent';
    return this.unplace('its continuation lies elsewhere than its first part');
  }

  private unplace(reason: string): typeof UNPLACED {
    this.refuse(reason);
    return UNPLACED;
  }

  /** Every live item the delete sets reach; ranges past what the document and the update hold cannot be placed. */
  private resolveDeletes(): Deletion[] {
    const deletes: Deletion[] = [];
    for (const [client, ranges] of this.deleted) {
      const state = Y.getState(this.store, client);
      const structs = this.store.clients.get(client);
      const run = this.runs.get(client);
      for (const { clock, len } of ranges) {
        const end = clock + len;
        if (structs && clock < state) {
          for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < Math.min(end, state); i++) {
            const struct = structs[i]!;
            if (struct instanceof Y.Item && !struct.deleted) deletes.push({ item: struct, place: this.placeOfDoc(struct), inUpdate: false });
          }
        }
        if (end <= state) continue;
        if (!run || end > run.reachable) {
          this.refuse('it deletes changes the server does not have');
          continue;
        }
        for (let i = indexInRun(run.structs, Math.max(clock, state)); i < run.structs.length && run.structs[i]!.id.clock < end; i++) {
          const struct = run.structs[i]!;
          if (!(struct instanceof Y.Item) || struct.id.clock + struct.length <= state) continue;
          const place = this.placeOfUpdate(struct);
          if (place !== UNPLACED) deletes.push({ item: struct, place, inUpdate: true });
        }
      }
    }
    return deletes;
  }
}

/** The struct of a clock-sorted run that holds `clock`, or null. */
function findInRun<T extends Y.AbstractStruct>(structs: T[], clock: number): T | null {
  const index = indexInRun(structs, clock);
  const struct = structs[index];
  return struct && struct.id.clock <= clock && clock < struct.id.clock + struct.length ? struct : null;
}

/** Index of the struct holding `clock` (or the first one after it) in a clock-sorted run. */
function indexInRun(structs: Y.AbstractStruct[], clock: number): number {
  let lo = 0;
  let hi = structs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const struct = structs[mid]!;
    if (struct.id.clock + struct.length <= clock) lo = mid + 1;
    else if (struct.id.clock > clock) hi = mid - 1;
    else return mid;
  }
  return lo;
}

function containerOf(place: Place): Container {
  return place.kind === 'comments' ? place.container : place.kind === 'none' ? NONE : OUTSIDE;
}

/** The place of `item` with map key `key` among the children of `container`. */
function placeIn(container: Container, item: Y.Item, key: string | null): Place {
  if (container.kind !== 'comments') return { kind: container.kind };
  const { depth } = container;
  return {
    kind: 'comments',
    container,
    key,
    depth,
    thread: depth === 1 ? item : container.thread!,
    comment: depth === 3 ? item : container.comment,
  };
}

/** The container of the type `holder` holds, given `holder`'s own place. */
function childContainer(holder: Y.Item, place: Place): Container {
  if (place.kind !== 'comments') return place.kind === 'none' ? NONE : OUTSIDE;
  const { depth, thread, comment, container, key } = place;
  return { kind: 'comments', depth: depth + 1, holder, thread, comment, parent: container, key };
}
