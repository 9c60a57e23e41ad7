import type { Editor } from '@tiptap/core';
import { useEffect, useRef, useState } from 'react';
import type { SlashBridge } from '../../editor/writer/slashMenu';
import { formatKeys, matchesKeys, shortcutKeys } from '../../lib/shortcuts';
import '../../styles/writer.css';
import { Icon } from '../Icon';
import { DocStats } from './DocStats';
import { FindBar } from './FindBar';
import { OutlinePanel } from './OutlinePanel';
import { ShortcutHelp } from './ShortcutHelp';
import { SlashMenu } from './SlashMenu';

interface Props {
  editor: Editor | null;
  editable: boolean;
  slash: SlashBridge;
  /** While a past version is previewed the live text is hidden: no find, no outline. */
  hidden: boolean;
}

/** Whether focus is somewhere that types text (where `?` is a character, not a command). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

/**
 * The writer's tools around the text: the find bar (Ctrl/⌘+F), the "/" block menu, word and character
 * counts, the outline panel and the keyboard shortcut help (`?` or Ctrl/⌘+/). The keys come from the
 * one shortcut list in `lib/shortcuts.ts`.
 */
export function WriterTools({ editor, editable, slash, hidden }: Props) {
  const [findOpen, setFindOpen] = useState(false);
  const [outlineOpen, setOutlineOpen] = useState(false);
  const [outlineFocus, setOutlineFocus] = useState(0);
  const [helpOpen, setHelpOpen] = useState(false);
  const findInputRef = useRef<HTMLInputElement>(null);
  const outlineButtonRef = useRef<HTMLButtonElement>(null);
  const [findKeys] = shortcutKeys('find');
  const helpKeys = shortcutKeys('help');

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A dialog is open (share, restore …): its keys are its own.
      if (document.querySelector('[aria-modal="true"]')) return;
      if (findKeys && matchesKeys(event, findKeys)) {
        if (hidden || !editor) return;
        event.preventDefault();
        setFindOpen(true);
        // Already open: take the focus back there, with the query selected to type over.
        requestAnimationFrame(() => findInputRef.current?.select());
        return;
      }
      const help = helpKeys.some((keys) => matchesKeys(event, keys) && (keys !== '?' || !isTyping(event.target)));
      if (help) {
        event.preventDefault();
        setHelpOpen(true);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [editor, hidden, findKeys, helpKeys]);

  if (!editor) return null;
  return (
    <>
      {findOpen && !hidden && <FindBar editor={editor} canReplace={editable} inputRef={findInputRef} onClose={() => setFindOpen(false)} />}
      {editable && <SlashMenu editor={editor} bridge={slash} />}
      {!hidden && (
        <div className="doc-stats" data-testid="doc-status">
          <button
            ref={outlineButtonRef}
            type="button"
            className="doc-stats__btn"
            aria-expanded={outlineOpen}
            onClick={() => {
              setOutlineOpen((o) => !o);
              setOutlineFocus((n) => n + 1);
            }}
            data-testid="outline-toggle"
          >
            <Icon name="outline" size={16} />
            Outline
          </button>
          <DocStats editor={editor} />
          <button
            type="button"
            className="doc-stats__btn"
            aria-label="Keyboard shortcuts"
            title={`Keyboard shortcuts (${helpKeys.map((k) => formatKeys(k)).join(' or ')})`}
            onClick={() => setHelpOpen(true)}
            data-testid="shortcuts-button"
          >
            <Icon name="keyboard" size={16} />
          </button>
        </div>
      )}
      {outlineOpen && !hidden && (
        <OutlinePanel
          editor={editor}
          focusRequest={outlineFocus}
          onClose={() => {
            setOutlineOpen(false);
            outlineButtonRef.current?.focus();
          }}
        />
      )}
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
    </>
  );
}
