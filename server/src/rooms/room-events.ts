import type * as Y from 'yjs';
import { newComments } from '../comments/new-comments.js';
import type { DocEvents, NewComment } from '../doc-events.js';
import type { DurableLog } from './durable-log.js';
import { REMOTE } from './relay-batcher.js';
import { TITLE_MIGRATION } from './title-migration.js';

/**
 * Tells `DocEvents` what happened in one room, once it is durable [WH2]: a local change (not one another
 * instance made [CL1], not the legacy title move [U6]), and the comments a local change created. Attached
 * after the stored state is loaded, so loading is never mistaken for new comments.
 */
export class RoomEvents {
  /** Comments found in transactions whose updates are about to be appended. */
  private pending: NewComment[] = [];

  constructor(
    private readonly docId: string,
    private readonly events: DocEvents,
    private readonly newestVersionId: () => Promise<string | null>,
  ) {}

  /** Called from the document's `afterTransaction` (before its `update` is appended). */
  readonly observe = (transaction: Y.Transaction): void => {
    if (transaction.origin === REMOTE) return;
    const found = newComments(transaction);
    if (found.length > 0) this.pending.push(...found);
  };

  /** Called right after a local update was handed to the log: comments are told once it is durable. */
  appended(log: DurableLog): void {
    if (this.pending.length === 0) return;
    const comments = this.pending;
    this.pending = [];
    log.afterWrites(() => this.events.commentsCreated(this.docId, comments));
  }

  /** Called when a local append is durable. */
  durable(origin: unknown): void {
    if (origin === TITLE_MIGRATION || origin === REMOTE) return;
    this.events.documentUpdated(this.docId, this.newestVersionId);
  }
}
