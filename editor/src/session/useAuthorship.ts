import type { HistoryAttribution } from '@tandem/common/api';
import type { Editor } from '@tiptap/core';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { AttributionIndex } from '../editor/authorship';
import { setAuthorship } from '../editor/authorshipPlugin';
import { historyProblem } from './historyErrors';

/** After the document last changed, wait this long before asking who wrote the new text. */
const REFRESH_AFTER_CHANGE_MS = 1500;

/**
 * Drives "Show authors": while `shown`, loads the attribution into the editor's tint plugin, and again
 * once edits settle, so text written meanwhile gets its colour too. Returns a failure to show, if any.
 */
export function useAuthorship(
  editor: Editor | null,
  doc: Y.Doc,
  load: (signal: AbortSignal) => Promise<HistoryAttribution>,
  shown: boolean,
): string | null {
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    if (!shown) {
      editor.view.dispatch(setAuthorship(editor.state.tr, null));
      setError(null);
      return;
    }
    let controller: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchNow = () => {
      controller?.abort();
      const current = new AbortController();
      controller = current;
      load(current.signal).then(
        (attribution) => {
          if (current.signal.aborted || editor.isDestroyed) return;
          const source = { index: new AttributionIndex(attribution.runs), authors: attribution.authors };
          editor.view.dispatch(setAuthorship(editor.state.tr, source));
          setError(null);
        },
        (err: unknown) => {
          if (!current.signal.aborted) setError(historyProblem(err, 'show who wrote what').message);
        },
      );
    };
    const onUpdate = () => {
      clearTimeout(timer);
      timer = setTimeout(fetchNow, REFRESH_AFTER_CHANGE_MS);
    };
    fetchNow();
    doc.on('update', onUpdate);
    return () => {
      clearTimeout(timer);
      controller?.abort();
      doc.off('update', onUpdate);
    };
  }, [editor, doc, load, shown]);

  return error;
}
