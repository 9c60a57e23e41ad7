import type * as Y from 'yjs';
import { checkCommentScope, type ScopeRefusalReason } from './comment-scope.js';
import { mayReachComments, reachOf, type DecodedUpdate } from './reach.js';
import { checkCommentShape, type CommentLimits } from './shape.js';
import { checkStampedAuthor } from './stamped-author.js';

/** Who sends an update, as the comment rules see it. */
export interface Writer {
  /** `comment` connections are held to the comment scope [CM2]; `edit` ones only to the shape [CM3]. */
  scope: 'comment' | 'edit';
  /** Whether a Yjs client id is this writer's own [CM4]. */
  owns(client: number): boolean;
  /** [ID2] The name the server stamps on this writer: the only `author` its comments may carry. */
  name?: string | undefined;
}

/** The verdict on one update: refused (and why), or allowed — possibly after dropping held-back changes. */
export type CommentsVerdict =
  | { kind: 'allow' }
  | { kind: 'refuse'; reason: ScopeRefusalReason | 'shape' | 'author'; message: string }
  /** Allowed, but what the document holds back would, once this update lets it in, break the shape [CM3]. */
  | { kind: 'allow-without-held-back'; message: string };

const ALLOW: CommentsVerdict = { kind: 'allow' };

/**
 * [CM1–CM4] The comment rules on an update about to be applied: the comment scope for comment connections,
 * the shape of what lands under `comments` for everyone. Pure: reads `doc`, never changes it.
 *
 * An edit connection's update that cannot reach `comments` (the document has no such root and the update
 * names none) costs one pass over its structs. Otherwise the update is placed (`reach.ts`) and judged.
 * Changes Yjs holds back (they wait for changes the server lacks) are judged when an update could let them
 * in: `heldBack` are the updates (as received, V1) that may hold them — the update and those are placed
 * together; if only the held-back part breaks the shape, it is dropped, as [L9] drops it when it grows too
 * large (none was acknowledged; their senders resend them). Yjs keeps held-back changes V2-encoded, and the
 * server never runs the V2 decoder [M2], hence the received updates instead (see `HeldBackSources`).
 */
export function checkCommentRules(
  doc: Y.Doc,
  update: DecodedUpdate,
  writer: Writer,
  heldBack: readonly DecodedUpdate[] = [],
  limits?: CommentLimits,
): CommentsVerdict {
  if (writer.scope === 'comment' || mayReachComments(doc, [update])) {
    const reach = reachOf(doc, [update]);
    // Whatever the scope: Yjs would give such an item one list and another parent, possibly under `comments`.
    if (reach.malformed) return { kind: 'refuse', reason: 'shape', message: reach.malformed };
    if (writer.scope === 'comment') {
      const refusal = checkCommentScope(reach, (client) => writer.owns(client));
      if (refusal) return { kind: 'refuse', ...refusal };
    }
    const misshapen = checkCommentShape(reach, limits);
    if (misshapen) return { kind: 'refuse', reason: 'shape', message: misshapen };
    const misnamed = writer.name === undefined ? null : checkStampedAuthor(reach, writer.name);
    if (misnamed) return { kind: 'refuse', reason: 'author', message: misnamed };
  }
  if (heldBack.length === 0 || !mayReachComments(doc, [update, ...heldBack])) return ALLOW;
  // Their structs that the document already holds are skipped; what is left is what Yjs holds back.
  const misshapen = checkCommentShape(reachOf(doc, [update, ...heldBack]), limits);
  return misshapen ? { kind: 'allow-without-held-back', message: misshapen } : ALLOW;
}
