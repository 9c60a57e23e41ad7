/**
 * How comments are laid out inside a document's Y.Doc (the contract's shape), and the bounds the server
 * enforces on them (server/SPEC.md §CM). The editor writes threads with these names; the server checks every
 * update that reaches under `COMMENTS_MAP` against them, whatever the link's scope.
 *
 * ```
 * comments: Y.Map                       root; key = thread id
 *   <threadId>: Y.Map                   a thread
 *     quote: string                     the text commented on, when the thread was made
 *     from, to: Uint8Array              encoded Y.RelativePositions into the `default` fragment
 *     resolved: boolean
 *     comments: Y.Array<Y.Map>          oldest first
 *       { id: string, author: string, body: string, createdAt: number (ms since the epoch) }
 * ```
 */

/** The root Y.Map holding every thread. */
export const COMMENTS_MAP = 'comments';

/** The keys of a thread map, each required. */
export const THREAD_FIELDS = ['quote', 'from', 'to', 'resolved', 'comments'] as const;
export type ThreadField = (typeof THREAD_FIELDS)[number];

/** The keys of a comment map, each required. */
export const COMMENT_FIELDS = ['id', 'author', 'body', 'createdAt'] as const;
export type CommentField = (typeof COMMENT_FIELDS)[number];

/**
 * Bounds on what a document's comments may hold. Sizes are in UTF-16 code units (JavaScript string length),
 * as the editor counts them. Large enough never to stop a person, small enough that a comment link cannot
 * fill a document (the document size limit, MAX_DOC_BYTES, bounds the total anyway).
 */
export const COMMENT_LIMITS = {
  /** Longest comment body. */
  maxBodyLength: 10_000,
  /** Longest stored quote (the editor cuts longer selections and ends them with an ellipsis). */
  maxQuoteLength: 2_000,
  /** Longest author name (the editor caps names at 40). */
  maxAuthorLength: 200,
  /** Longest thread id and comment id (the editor uses 21-character random ids). */
  maxIdLength: 64,
  /** Largest encoded relative position (`from`, `to`): a few dozen bytes in practice. */
  maxPositionBytes: 256,
  /** Most comments in one thread. */
  maxCommentsPerThread: 500,
  /** Most threads in one document (resolved ones included; deleted ones not). */
  maxThreadsPerDoc: 5_000,
} as const;
