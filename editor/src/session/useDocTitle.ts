import { titleText } from '@tandem/common';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

/**
 * The document title as it reads now, following the shared `title` Y.Text (the title field edits the text
 * itself: see TitleBinding). `fallback` (the server's answer to GET /api/docs/:id) covers the moment before
 * the document syncs.
 */
export function useDocTitle(doc: Y.Doc | null, fallback: string): string {
  const [title, setTitle] = useState(fallback);

  useEffect(() => {
    if (!doc) return;
    const text = titleText(doc);
    const read = () => setTitle(text.toString());
    if (text.length > 0) read();
    text.observe(read);
    return () => text.unobserve(read);
  }, [doc]);

  return title;
}
