import { MAX_TITLE_LENGTH, META_MAP, TITLE_KEY } from '@tandem/common';
import { useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';

/**
 * The document title lives in the shared `meta` map (key `title`) so everyone sees renames live.
 * `fallback` (the server's answer to GET /api/docs/:id) covers the moment before the document syncs.
 */
export function useDocTitle(doc: Y.Doc | null, fallback: string): [string, (title: string) => void] {
  const [title, setTitle] = useState(fallback);

  useEffect(() => {
    if (!doc) return;
    const meta = doc.getMap<unknown>(META_MAP);
    const read = () => {
      const value = meta.get(TITLE_KEY);
      if (typeof value === 'string') setTitle(value);
    };
    read();
    meta.observe(read);
    return () => meta.unobserve(read);
  }, [doc]);

  const update = useCallback(
    (next: string) => {
      const value = next.replace(/[\r\n]+/g, ' ').slice(0, MAX_TITLE_LENGTH);
      setTitle(value);
      doc?.getMap<unknown>(META_MAP).set(TITLE_KEY, value);
    },
    [doc],
  );

  return [title, update];
}
