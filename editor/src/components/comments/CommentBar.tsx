import { Icon } from '../Icon';

interface Props {
  /** There is text selected to comment on. */
  enabled: boolean;
  shortcut: string;
  onComment: () => void;
}

/** The toolbar of a comment link: the text cannot be changed here, only commented on. */
export function CommentBar({ enabled, shortcut, onComment }: Props) {
  return (
    <div className="toolbar-wrap">
      <div className="toolbar toolbar--comment" role="toolbar" aria-label="Commenting" data-testid="comment-toolbar">
        <button type="button" className="btn btn--small" disabled={!enabled} onMouseDown={(e) => e.preventDefault()} onClick={onComment} data-testid="tb-comment">
          <Icon name="comment" size={16} />
          Comment
        </button>
        <span className="toolbar__hint">You can comment on this document. Select text, then Comment ({shortcut}).</span>
      </div>
    </div>
  );
}
