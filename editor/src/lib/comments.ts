/**
 * The document's comments as the editor reads and writes them: the root `comments` Y.Map laid out as the
 * contract fixes it (see `@tandem/common` comments.ts). Every write is one Yjs transaction that leaves each
 * entry complete, because the server refuses a whole update that puts anything of another shape under
 * `comments` — a thread arrives with all its fields and its first comment, or not at all.
 *
 * Reading is lenient (an entry written before the server checked shapes is skipped or read with blanks),
 * writing is strict. Pure Yjs, no DOM: the highlights (editor/commentHighlights.ts) and the panel
 * (components/comments/) read the same lists.
 */
import { COMMENTS_MAP, COMMENT_LIMITS } from '@tandem/common';
import * as Y from 'yjs';

/** One comment as the panel shows it. */
export interface CommentData {
  id: string;
  author: string;
  body: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The Yjs client id that wrote it: a comment link may change only what its own client ids wrote. */
  client: number;
}

/** One thread: what it comments on, whether it is resolved, and its comments, oldest first. */
export interface ThreadData {
  id: string;
  /** The text as it was commented on (shown when that text is gone). */
  quote: string;
  /** Encoded `Y.RelativePosition`s into the `default` fragment (null if missing or not bytes). */
  from: Uint8Array | null;
  to: Uint8Array | null;
  resolved: boolean;
  comments: CommentData[];
  /** The Yjs client id that created the thread. */
  client: number;
}

/** Marks the editor's own comment transactions (never tracked by the text's undo manager). */
export const COMMENTS_ORIGIN = Symbol('tandem:comments');

/** The longest quote stored with a thread; longer selections are cut and end with an ellipsis. */
export const MAX_QUOTE = COMMENT_LIMITS.maxQuoteLength;
/** The longest comment anyone may type. */
export const MAX_BODY = COMMENT_LIMITS.maxBodyLength;

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A random 21-character URL-safe id (126 bits), for threads and comments. */
export function newCommentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(21));
  let id = '';
  for (const b of bytes) id += ID_CHARS[b & 63];
  return id;
}

/** The root map (defining it locally writes nothing to the document). */
export function commentsRoot(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(COMMENTS_MAP);
}

/** The quote stored for a selection: at most MAX_QUOTE characters, an ellipsis where it was cut. */
export function quoteOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_QUOTE ? flat : `${flat.slice(0, MAX_QUOTE - 1)}…`;
}

/** Every thread in the document, in no particular order (entries of another shape are skipped). */
export function readThreads(doc: Y.Doc): ThreadData[] {
  const threads: ThreadData[] = [];
  commentsRoot(doc).forEach((value, id) => {
    if (value instanceof Y.Map) threads.push(readThread(id, value));
  });
  return threads;
}

/** Where a thread is anchored and whether it is resolved: what the highlights need, read without its comments. */
export interface ThreadAnchor {
  id: string;
  from: Uint8Array | null;
  to: Uint8Array | null;
  resolved: boolean;
}

/** Every thread's anchors (a lighter `readThreads`, run on every remote change while threads exist). */
export function readAnchors(doc: Y.Doc): ThreadAnchor[] {
  const anchors: ThreadAnchor[] = [];
  commentsRoot(doc).forEach((value, id) => {
    if (value instanceof Y.Map) anchors.push({ id, from: bytes(value.get('from')), to: bytes(value.get('to')), resolved: value.get('resolved') === true });
  });
  return anchors;
}

function readThread(id: string, map: Y.Map<unknown>): ThreadData {
  const quote = map.get('quote');
  const list = map.get('comments');
  const comments = list instanceof Y.Array ? (list.toArray() as unknown[]).flatMap(readComment) : [];
  return {
    id,
    quote: typeof quote === 'string' ? quote : '',
    from: bytes(map.get('from')),
    to: bytes(map.get('to')),
    resolved: map.get('resolved') === true,
    comments,
    client: creator(map),
  };
}

function readComment(entry: unknown): CommentData[] {
  if (!(entry instanceof Y.Map)) return [];
  const text = (key: string) => {
    const value: unknown = entry.get(key);
    return typeof value === 'string' ? value : '';
  };
  const createdAt: unknown = entry.get('createdAt');
  return [
    {
      id: text('id'),
      author: text('author'),
      body: text('body'),
      createdAt: typeof createdAt === 'number' && Number.isFinite(createdAt) ? createdAt : 0,
      client: creator(entry),
    },
  ];
}

const bytes = (value: unknown): Uint8Array | null => (value instanceof Uint8Array ? value : null);
const creator = (type: Y.AbstractType<any>): number => type._item?.id.client ?? -1;

/** What someone writes: their name (from their identity) and the text. */
export interface Writing {
  author: string;
  body: string;
  /** Milliseconds since the epoch (tests pass a fixed one). */
  now?: number;
}

export interface NewThread extends Writing {
  quote: string;
  from: Uint8Array;
  to: Uint8Array;
}

/** A comment map with every field set (integrated together with whatever holds it). */
function commentMap({ author, body, now = Date.now() }: Writing): Y.Map<unknown> {
  const comment = new Y.Map<unknown>();
  comment.set('id', newCommentId());
  comment.set('author', author.slice(0, COMMENT_LIMITS.maxAuthorLength));
  comment.set('body', body.slice(0, MAX_BODY));
  comment.set('createdAt', now);
  return comment;
}

/**
 * Starts a thread on a passage with its first comment, in one transaction: the thread map and all five
 * fields, the comments array and the comment map with its four fields. Returns the thread's id.
 */
export function createThread(doc: Y.Doc, thread: NewThread): string {
  const id = newCommentId();
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    commentsRoot(doc).set(id, map);
    map.set('quote', quoteOf(thread.quote));
    map.set('from', thread.from);
    map.set('to', thread.to);
    map.set('resolved', false);
    const list = new Y.Array<Y.Map<unknown>>();
    map.set('comments', list);
    list.push([commentMap(thread)]);
  }, COMMENTS_ORIGIN);
  return id;
}

function threadMap(doc: Y.Doc, threadId: string): Y.Map<unknown> | null {
  const map = commentsRoot(doc).get(threadId);
  return map instanceof Y.Map ? map : null;
}

function commentList(doc: Y.Doc, threadId: string): Y.Array<unknown> | null {
  const list = threadMap(doc, threadId)?.get('comments');
  return list instanceof Y.Array ? list : null;
}

/** Adds a reply at the end of a thread. False if the thread is gone. */
export function addReply(doc: Y.Doc, threadId: string, writing: Writing): boolean {
  const list = commentList(doc, threadId);
  if (!list) return false;
  doc.transact(() => list.push([commentMap(writing)]), COMMENTS_ORIGIN);
  return true;
}

function findComment(list: Y.Array<unknown>, commentId: string): { index: number; map: Y.Map<unknown> } | null {
  const items = list.toArray();
  for (let index = 0; index < items.length; index++) {
    const map = items[index];
    if (map instanceof Y.Map && map.get('id') === commentId) return { index, map };
  }
  return null;
}

/** Replaces a comment's text (the field gets a new value; it is never left without one). */
export function editComment(doc: Y.Doc, threadId: string, commentId: string, body: string): boolean {
  const list = commentList(doc, threadId);
  const found = list && findComment(list, commentId);
  if (!found) return false;
  doc.transact(() => found.map.set('body', body.slice(0, MAX_BODY)), COMMENTS_ORIGIN);
  return true;
}

/**
 * Deletes a comment. With `dropEmptyThread`, a thread left without comments goes too, in the same
 * transaction (a comment link may only do that to a thread its own client created: the caller decides).
 */
export function deleteComment(doc: Y.Doc, threadId: string, commentId: string, dropEmptyThread: boolean): boolean {
  const list = commentList(doc, threadId);
  const found = list && findComment(list, commentId);
  if (!list || !found) return false;
  doc.transact(() => {
    list.delete(found.index, 1);
    if (dropEmptyThread && list.length === 0) commentsRoot(doc).delete(threadId);
  }, COMMENTS_ORIGIN);
  return true;
}

/** Resolves or reopens a thread (anyone who may comment may). */
export function setResolved(doc: Y.Doc, threadId: string, resolved: boolean): boolean {
  const map = threadMap(doc, threadId);
  if (!map || map.get('resolved') === resolved) return false;
  doc.transact(() => map.set('resolved', resolved), COMMENTS_ORIGIN);
  return true;
}
