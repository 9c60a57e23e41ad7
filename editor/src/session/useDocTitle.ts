import { MAX_TITLE_LENGTH, titleText } from '@tandem/common';
import { useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';

/**
 * The document title lives in the shared `title` Y.Text so everyone sees renames live.
 * `fallback` (the server's answer to GET /api/docs/:id) covers the moment before the document syncs.
 */
export function useDocTitle(doc: Y.Doc | null, fallback: string): [string, (title: string) => void] {
  const [title, setTitle] = useState(fallback);

  useEffect(() => {
    if (!doc) return;
    const text = titleText(doc);
    const read = () => setTitle(text.toString());
    if (text.length > 0) read();
    text.observe(read);
    return () => text.unobserve(read);
  }, [doc]);

  const update = useCallback(
    (next: string) => {
      const value = next.replace(/[\r\n]+/g, ' ').slice(0, MAX_TITLE_LENGTH);
      setTitle(value);
      if (!doc) return;
      const text = titleText(doc);
      doc.transact(() => {
        text.delete(0, text.length);
        text.insert(0, value);
      });
    },
    [doc],
  );

  return [title, update];
}
