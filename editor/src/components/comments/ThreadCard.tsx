import type { CSSProperties, Ref } from 'react';
import { type CommentRights, isOwnComment } from '../../lib/commentRights';
import type { ThreadData } from '../../lib/comments';
import { Icon } from '../Icon';
import { CommentComposer } from './CommentComposer';
import { CommentItem } from './CommentItem';

export interface ThreadActions {
  onActivate: (threadId: string) => void;
  onReply: (threadId: string, body: string) => void;
  onEdit: (threadId: string, commentId: string, body: string) => void;
  onDelete: (threadId: string, commentId: string) => void;
  onResolve: (threadId: string, resolved: boolean) => void;
}

interface Props extends ThreadActions {
  thread: ThreadData;
  /** None of its text is left in the document. */
  detached: boolean;
  active: boolean;
  /** It holds comments that mention you which you have not seen. */
  mentioned: boolean;
  /** Show the commented text in the card (in the list on phones, where the card is not beside it). */
  showQuote: boolean;
  rights: CommentRights;
  canComment: boolean;
  /** Names to highlight in comment texts. */
  names: readonly string[];
  /** Names to suggest after `@`. */
  suggest: readonly string[];
  colorOf: (name: string) => string | null;
  cardRef?: Ref<HTMLElement>;
  style?: CSSProperties;
  /** The focused control went away with what it acted on (a deleted comment, a resolved thread). */
  onFocusLost: () => void;
}

const short = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * One thread: its comments, then (when it is the open one and you may comment) a reply box. Resolve and
 * reopen sit in its corner. Focus or a click anywhere in it opens it (and highlights its passage).
 */
export function ThreadCard(props: Props) {
  const { thread, detached, active, mentioned, showQuote, rights, canComment, names, suggest, colorOf, cardRef, style } = props;
  const first = thread.comments[0];
  const label = `Comment thread${first ? ` by ${first.author.trim() || 'Anonymous'}` : ''} on “${short(thread.quote)}”${thread.resolved ? ', resolved' : ''}${detached ? ', text deleted' : ''}`;

  const resolveButton = canComment && (
    <button
      type="button"
      className="icon-btn icon-btn--small thread__resolve"
      aria-label={thread.resolved ? 'Reopen thread' : 'Resolve thread'}
      title={thread.resolved ? 'Reopen' : 'Resolve'}
      onClick={(e) => {
        e.stopPropagation();
        props.onResolve(thread.id, !thread.resolved);
        props.onFocusLost();
      }}
      data-testid={thread.resolved ? 'thread-reopen' : 'thread-resolve'}
    >
      <Icon name={thread.resolved ? 'reset' : 'check'} size={16} />
    </button>
  );

  return (
    <section
      ref={cardRef}
      className="thread"
      style={style}
      tabIndex={0}
      aria-label={label}
      onFocus={() => !active && props.onActivate(thread.id)}
      onClick={() => !active && props.onActivate(thread.id)}
      data-testid="comment-thread"
      data-thread-id={thread.id}
      data-active={active}
      data-resolved={thread.resolved}
      data-detached={detached}
    >
      {(thread.resolved || mentioned) && (
        <div className="thread__badges">
          {thread.resolved && (
            <span className="badge badge--resolved">
              <Icon name="check" size={13} /> Resolved
            </span>
          )}
          {mentioned && (
            <span className="badge badge--mention" data-testid="thread-mention">
              @ You were mentioned
            </span>
          )}
        </div>
      )}
      {(showQuote || detached) && (
        <blockquote className="thread__quote" data-testid="thread-quote">
          {detached && <span className="thread__detached">Text deleted: </span>}
          {thread.quote}
        </blockquote>
      )}
      <ol className="thread__comments">
        {thread.comments.map((comment, i) => (
          <CommentItem
            headExtra={i === 0 ? resolveButton : null}
            key={comment.id}
            comment={comment}
            own={isOwnComment(comment, rights)}
            names={names}
            colorOf={colorOf}
            onEdit={(body) => props.onEdit(thread.id, comment.id, body)}
            onDelete={() => {
              props.onDelete(thread.id, comment.id);
              props.onFocusLost();
            }}
          />
        ))}
      </ol>
      {canComment && active && !thread.resolved && (
        <CommentComposer label="Reply" placeholder="Reply… (@ to mention)" submitLabel="Reply" names={suggest} onSubmit={(body) => props.onReply(thread.id, body)} testId="reply-input" />
      )}
    </section>
  );
}
