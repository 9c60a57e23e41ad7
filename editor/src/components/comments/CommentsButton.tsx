import { Icon } from '../Icon';

interface Props {
  open: boolean;
  /** Open threads in the document. */
  openCount: number;
  /** Unseen comments that mention you. */
  mentionCount: number;
  onToggle: () => void;
}

/** The header's comments button: how many threads are open, and a badge when someone mentioned you. */
export function CommentsButton({ open, openCount, mentionCount, onToggle }: Props) {
  const parts = [`${openCount} open ${openCount === 1 ? 'thread' : 'threads'}`];
  if (mentionCount > 0) parts.push(`${mentionCount} ${mentionCount === 1 ? 'comment mentions' : 'comments mention'} you`);
  return (
    <button
      type="button"
      className="btn btn--comments"
      aria-pressed={open}
      aria-label={`Comments: ${parts.join(', ')}`}
      title={`Comments (${parts.join(', ')})`}
      onClick={onToggle}
      data-testid="comments-button"
      data-count={openCount}
      data-mentions={mentionCount}
    >
      <Icon name="comment" size={17} />
      {openCount > 0 && <span className="btn--comments__count">{openCount}</span>}
      {mentionCount > 0 && (
        <span className="mention-badge" data-testid="mention-badge" aria-hidden="true">
          @{mentionCount}
        </span>
      )}
    </button>
  );
}
