/**
 * Helpers for the comment tests: threads written the way the contract lays them out, updates captured from
 * real Y.Docs, crafted updates encoded struct by struct, and the verdict of the comment rules.
 */
import * as encoding from 'lib0/encoding';
import { COMMENTS_MAP, CONTENT_FRAGMENT, COMMENT_FIELDS, THREAD_FIELDS, titleText } from '@tandem/common';
import * as Y from 'yjs';
import { checkCommentRules, type CommentsVerdict } from '../../src/comments/update-rules.js';
import type { CommentLimits } from '../../src/comments/shape.js';

export interface NewComment {
  id: string;
  author: string;
  body: string;
  createdAt?: number;
}

/** A comment map `{id, author, body, createdAt}`, not yet in a document. */
export function commentMap(comment: NewComment): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', comment.id);
  map.set('author', comment.author);
  map.set('body', comment.body);
  map.set('createdAt', comment.createdAt ?? 1_700_000_000_000);
  return map;
}

/** Relative positions of `[index, index + length)` in paragraph `para`'s text, or at the fragment's start. */
export function anchors(doc: Y.Doc, index = 0, length = 0, para = 0): { from: Uint8Array; to: Uint8Array } {
  const paragraph = doc.getXmlFragment(CONTENT_FRAGMENT).get(para);
  const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
  if (text instanceof Y.XmlText) {
    return {
      from: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, Math.min(index, text.length))),
      to: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, Math.min(index + length, text.length), -1)),
    };
  }
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
  const at = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(fragment, 0));
  return { from: at, to: at };
}

/** Adds a thread in the contract's shape, as the editor does: one transaction. */
export function addThread(
  doc: Y.Doc,
  id: string,
  first: NewComment,
  options: { quote?: string; from?: Uint8Array; to?: Uint8Array } = {},
): void {
  const { from, to } = options.from && options.to ? { from: options.from, to: options.to } : anchors(doc);
  doc.transact(() => {
    const thread = new Y.Map<unknown>();
    thread.set('quote', options.quote ?? 'quoted text');
    thread.set('from', from);
    thread.set('to', to);
    thread.set('resolved', false);
    const comments = new Y.Array<Y.Map<unknown>>();
    comments.push([commentMap(first)]);
    thread.set('comments', comments);
    doc.getMap(COMMENTS_MAP).set(id, thread);
  });
}

export function threadOf(doc: Y.Doc, id: string): Y.Map<unknown> {
  return doc.getMap(COMMENTS_MAP).get(id) as Y.Map<unknown>;
}

export function commentsOf(doc: Y.Doc, threadId: string): Y.Array<Y.Map<unknown>> {
  return threadOf(doc, threadId).get('comments') as Y.Array<Y.Map<unknown>>;
}

/** The bodies of a thread's comments, oldest first; empty while the thread is not there. */
export function bodiesOf(doc: Y.Doc, threadId: string): unknown[] {
  const list = (doc.getMap(COMMENTS_MAP).get(threadId) as Y.Map<unknown> | undefined)?.get('comments');
  return list instanceof Y.Array ? list.toArray().map((c: Y.Map<unknown>) => c.get('body')) : [];
}

export function reply(doc: Y.Doc, threadId: string, comment: NewComment): void {
  commentsOf(doc, threadId).push([commentMap(comment)]);
}

/** Appends a paragraph holding `text`, as the editor's Enter + typing would. */
export function addParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.insert(fragment.length, [paragraph]);
  });
}

/** The first paragraph's text node (there must be one). */
export function firstText(doc: Y.Doc): Y.XmlText {
  return (doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/** The update one change makes (every transaction's update, merged). */
export function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const listener = (update: Uint8Array) => updates.push(update);
  doc.on('update', listener);
  try {
    change();
  } finally {
    doc.off('update', listener);
  }
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

/** The transaction origin of `sync`: what a page receives, told apart from what its own Yjs does in reaction. */
export const SYNC = Symbol('sync');

/** Brings `to` up to date with `from`. */
export function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), SYNC);
}

/** A comment writer owning its own doc's client id, or an edit writer. */
export function commenter(...docs: Y.Doc[]) {
  const ids = new Set(docs.map((doc) => doc.clientID));
  return { scope: 'comment' as const, owns: (client: number) => ids.has(client) };
}
export const editor = { scope: 'edit' as const, owns: () => true };

/** The verdict of the comment rules on `update` against `doc`. */
export function judge(
  doc: Y.Doc,
  update: Uint8Array,
  writer: { scope: 'comment' | 'edit'; owns(client: number): boolean },
  limits?: CommentLimits,
  heldBack: Uint8Array[] = [],
): CommentsVerdict {
  return checkCommentRules(doc, Y.decodeUpdate(update), writer, heldBack.map((u) => Y.decodeUpdate(u)), limits);
}

/** Everything of the document outside `comments`, for "nothing else changed" checks. */
export function outsideComments(doc: Y.Doc): string {
  const roots: Record<string, unknown> = {};
  for (const [name, type] of doc.share) {
    if (name === COMMENTS_MAP) continue;
    roots[name] = name === CONTENT_FRAGMENT ? doc.getXmlFragment(name).toString() : name === 'title' ? titleText(doc).toString() : type.toJSON();
  }
  return JSON.stringify(roots);
}

/**
 * The contract's shape, checked on a whole document the slow way (a reference for the property tests):
 * the list of what is wrong, empty when everything under `comments` fits.
 */
export function shapeProblems(doc: Y.Doc): string[] {
  const problems: string[] = [];
  const root = doc.share.get(COMMENTS_MAP);
  if (!root) return problems;
  for (let item = root._start; item !== null; item = item.right) if (!item.deleted) problems.push('a list item in the root map');
  root._map.forEach((item, key) => {
    if (item.deleted) return;
    const thread = item.content.getContent()[0];
    if (!(thread instanceof Y.Map) || thread.constructor !== Y.Map) return problems.push(`${key}: not a map`);
    const keys = [...thread.keys()].sort();
    if (JSON.stringify(keys) !== JSON.stringify([...THREAD_FIELDS].sort())) problems.push(`${key}: fields ${keys.join(',')}`);
    if (typeof thread.get('quote') !== 'string') problems.push(`${key}: quote`);
    if (!(thread.get('from') instanceof Uint8Array) || !(thread.get('to') instanceof Uint8Array)) problems.push(`${key}: anchors`);
    if (typeof thread.get('resolved') !== 'boolean') problems.push(`${key}: resolved`);
    const comments = thread.get('comments');
    if (!(comments instanceof Y.Array)) return problems.push(`${key}: comments`);
    for (const comment of comments.toArray()) {
      if (!(comment instanceof Y.Map) || comment.constructor !== Y.Map) {
        problems.push(`${key}: a comment that is no map`);
        continue;
      }
      const fields = [...comment.keys()].sort();
      if (JSON.stringify(fields) !== JSON.stringify([...COMMENT_FIELDS].sort())) problems.push(`${key}: comment fields ${fields.join(',')}`);
      for (const field of ['id', 'author', 'body']) if (typeof comment.get(field) !== 'string') problems.push(`${key}: comment ${field}`);
      if (typeof comment.get('createdAt') !== 'number') problems.push(`${key}: comment createdAt`);
    }
    return undefined;
  });
  return problems;
}

/**
 * A V1 update holding exactly these structs (grouped per client in the order given, each client's structs
 * consecutive in clock) and delete ranges `[client, clock, length]` — for updates no Yjs client would write.
 */
export function encodeStructs(structs: (Y.Item | Y.GC)[], deletes: [number, number, number][] = []): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const byClient = new Map<number, (Y.Item | Y.GC)[]>();
  for (const struct of structs) {
    const list = byClient.get(struct.id.client) ?? [];
    list.push(struct);
    byClient.set(struct.id.client, list);
  }
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of byClient) {
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const struct of list) struct.write(encoder, 0);
  }
  const deleteClients = new Map<number, [number, number][]>();
  for (const [client, clock, len] of deletes) deleteClients.set(client, [...(deleteClients.get(client) ?? []), [clock, len]]);
  encoding.writeVarUint(encoder.restEncoder, deleteClients.size);
  for (const [client, ranges] of deleteClients) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const [clock, len] of ranges) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}

/** The structs of an update, decoded (to alter one and encode it again with `encodeStructs`). */
export function structsOf(update: Uint8Array): (Y.Item | Y.GC)[] {
  return Y.decodeUpdate(update).structs.filter((s): s is Y.Item | Y.GC => !(s instanceof Y.Skip));
}
