import type { HistoryAuthor } from '@tandem/common/api';
import type { CSSProperties } from 'react';
import { authorColor, authorName } from '../../lib/historyFormat';

/** A name with the author's colour, as their text is tinted in the preview and the live document. */
export function AuthorChip({ author }: { author: HistoryAuthor | undefined }) {
  return (
    <span className="author-chip" style={{ '--author-color': authorColor(author) } as CSSProperties} data-testid="author-chip">
      <span className="author-chip__dot" aria-hidden="true" />
      {authorName(author)}
    </span>
  );
}
