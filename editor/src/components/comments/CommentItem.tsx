import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { CommentData } from '../../lib/comments';
import { PALETTE, initials } from '../../lib/identity';
import { splitMentions } from '../../lib/mentions';
import { formatRelative } from '../../lib/time';
import { Icon } from '../Icon';
import { CommentComposer } from './CommentComposer';

interface Props {
  comment: CommentData;
  /** Yours to edit and delete (see commentRights.ts). */
  own: boolean;
  /** Names highlighted as mentions in the text (and offered when editing). */
  names: readonly string[];
  /** A person here with this name: their caret colour, so avatars match. */
  colorOf: (name: string) => string | null;
  onEdit: (body: string) => void;
  onDelete: () => void;
  /** Put at the end of its header (the thread's resolve button, on its first comment). */
  headExtra?: ReactNode;
}

/** A stable colour for a name nobody here wears right now. */
function nameColor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

/** One comment: who, when, what (mentions stand out); edit and delete for its writer. */
export function CommentItem({ comment, own, names, colorOf, onEdit, onDelete, headExtra }: Props) {
  const [mode, setMode] = useState<'read' | 'edit' | 'confirm-delete'>('read');
  const editRef = useRef<HTMLButtonElement>(null);
  const previous = useRef(mode);

  // Back from editing or from "Delete?": the edit button takes the focus the closed box had.
  useEffect(() => {
    if (previous.current !== 'read' && mode === 'read') editRef.current?.focus();
    previous.current = mode;
  }, [mode]);
  const author = comment.author.trim() || 'Anonymous';
  const when = new Date(comment.createdAt);

  return (
    <li className="comment" data-testid="comment" data-comment-id={comment.id} data-own={own}>
      <div className="comment__head">
        <span className="avatar comment__avatar" style={{ backgroundColor: colorOf(author) ?? nameColor(author) }} aria-hidden="true">
          {initials(author)}
        </span>
        <span className="comment__who">
          <span className="comment__author" data-testid="comment-author">
            {author}
          </span>
          <time className="comment__time" dateTime={when.toISOString()} title={when.toLocaleString()}>
            {formatRelative(comment.createdAt)}
          </time>
        </span>
        {own && mode === 'read' && (
          <span className="comment__tools">
            <button
              ref={editRef}
              type="button"
              className="icon-btn icon-btn--small"
              aria-label="Edit your comment"
              title="Edit"
              onClick={() => setMode('edit')}
              data-testid="comment-edit"
            >
              <Icon name="pencil" size={15} />
            </button>
            <button
              type="button"
              className="icon-btn icon-btn--small"
              aria-label="Delete your comment"
              title="Delete"
              onClick={() => setMode('confirm-delete')}
              data-testid="comment-delete"
            >
              <Icon name="trash" size={15} />
            </button>
          </span>
        )}
        {headExtra}
      </div>
      {mode === 'edit' ? (
        <CommentComposer
          label="Edit your comment"
          placeholder="Comment"
          submitLabel="Save"
          names={names}
          initial={comment.body}
          autoFocus
          onSubmit={(body) => {
            if (body !== comment.body) onEdit(body);
            setMode('read');
          }}
          onCancel={() => setMode('read')}
          testId="comment-edit-input"
        />
      ) : (
        <p className="comment__body" data-testid="comment-body">
          {splitMentions(comment.body, names).map((part, i) =>
            part.mention ? (
              <span key={i} className="mention">
                {part.text}
              </span>
            ) : (
              part.text
            ),
          )}
        </p>
      )}
      {mode === 'confirm-delete' && (
        <div className="comment__confirm" role="group" aria-label="Delete this comment?">
          <span>Delete this comment?</span>
          <button type="button" className="btn btn--small" onClick={() => setMode('read')} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn--small btn--danger" onClick={onDelete} data-testid="comment-delete-confirm">
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
