import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { useEffect, useState } from 'react';
import { countRange, countSelection, type Counts } from '../../editor/writer/counts';

/** How long counts must stay still before a screen reader hears them (ms): not on every keystroke. */
const ANNOUNCE_AFTER_MS = 1500;

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
const describe = (c: Counts) => `${plural(c.words, 'word')}, ${plural(c.characters, 'character')}`;

/**
 * Word and character counts of the document, and of the selection when there is one. The visible text
 * follows every change; the polite live region only once counting has settled.
 */
export function DocStats({ editor }: { editor: Editor }) {
  const text = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const { doc, selection } = e.state;
      const all = countRange(doc, 0, doc.content.size);
      const selected = selection.empty ? null : countSelection(doc, selection);
      // A selection without text (an image, empty cells) says nothing useful as "0 words selected".
      if (!selected || selected.characters === 0) return describe(all);
      return `${describe(selected)} selected (of ${plural(all.words, 'word')})`;
    },
  });
  const [announced, setAnnounced] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setAnnounced(text), ANNOUNCE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <>
      <span className="doc-stats__counts" aria-hidden="true" data-testid="doc-stats">
        {text}
      </span>
      <span className="visually-hidden" role="status">
        {announced}
      </span>
    </>
  );
}
