import type { Scope } from '@tandem/common';
import type { CommentData, ThreadData } from './comments';

/**
 * Who may do what with comments, as the server enforces it (server/SPEC.md §CM): view links read them;
 * comment and edit links add threads, reply, resolve and reopen. Changing or deleting a comment is for its
 * writer. A comment link is held to the Yjs client ids its connection announced, so "yours" there means
 * written in this session; an edit link may change anything, so there it also means written under your name.
 */
export interface CommentRights {
  scope: Scope;
  /** This session's Yjs client id. */
  selfClient: number;
  /** Your name (from your identity). */
  selfName: string;
}

/** Whether this link may add threads and replies, resolve and reopen. */
export function canComment(rights: CommentRights): boolean {
  return rights.scope !== 'view';
}

/** Whether you may edit or delete this comment. */
export function isOwnComment(comment: CommentData, rights: CommentRights): boolean {
  if (!canComment(rights)) return false;
  if (comment.client === rights.selfClient) return true;
  return rights.scope === 'edit' && comment.author === rights.selfName;
}

/** Whether a thread left empty by deleting your comment may go too (else it stays, hidden, for its creator). */
export function mayDropThread(thread: ThreadData, rights: CommentRights): boolean {
  return rights.scope === 'edit' || thread.client === rights.selfClient;
}
