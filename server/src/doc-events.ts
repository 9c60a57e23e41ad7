import type { VersionInfo } from '@tandem/common/api';

/** A comment that appeared in a document (a new thread's first comment, or a reply). */
export interface NewComment {
  threadId: string;
  /** The thread's stored quote: the text commented on when the thread was made. */
  quote: string;
  id: string;
  author: string;
  body: string;
  /** ms since the epoch, as the writer stamped it. */
  createdAt: number;
}

/**
 * What happened to documents, told after it is durable — the post-durable hooks webhooks (and later audit)
 * plug into without the room knowing who listens. Each is called on the instance where the change was made
 * (never for updates another instance relayed [CL1]), synchronously and cheaply: listeners must not block.
 */
export interface DocEvents {
  /** A document was created (`POST /api/docs`). */
  documentCreated(docId: string, info: { title: string }): void;
  /**
   * A local change to the document is durable. `newestVersionId` resolves to the newest version's id when
   * history is on (null when there is none yet or history is off); listeners call it only when they need it.
   */
  documentUpdated(docId: string, newestVersionId: () => Promise<string | null>): void;
  /** A document was deleted. */
  documentDeleted(docId: string): void;
  /** A version was stored (automatic, named or restore). */
  versionCreated(docId: string, version: VersionInfo): void;
  /** Comments appeared, in a change that is now durable. */
  commentsCreated(docId: string, comments: NewComment[]): void;
}
