import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { type RefObject, useEffect, useRef } from 'react';
import '../../editor/writer/markCommands';
import { Popover } from '../Popover';
import { HIGHLIGHT_COLOURS, TEXT_COLOURS } from './writerToolbar';

interface Props {
  editor: Editor;
  open: boolean;
  anchorRef: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
}

/**
 * Text colour and highlight colour for the selection: two rows of swatches, each with "none". The
 * swatches are buttons named by colour (pressed when the selection has it); choosing one keeps the menu
 * open so both can be set, Escape closes it.
 */
export function ColorMenu({ editor, open, anchorRef, onClose }: Props) {
  const panelRef = useRef<HTMLDivElement>(null);
  const current = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      text: (e.getAttributes('textStyle')['color'] as string | undefined) ?? null,
      highlight: e.isActive('highlight') ? ((e.getAttributes('highlight')['color'] as string | undefined) ?? HIGHLIGHT_COLOURS[0].value) : null,
    }),
  });

  useEffect(() => {
    if (open) panelRef.current?.querySelector<HTMLElement>('button')?.focus();
  }, [open]);

  const chain = () => editor.chain().focus();
  const swatch = (kind: 'text' | 'highlight', name: string, value: string | null) => {
    const pressed = current[kind] === value;
    const run = () => {
      if (kind === 'text') (value ? chain().setColor(value) : chain().unsetColor()).run();
      else (value ? chain().setHighlight({ color: value }) : chain().unsetHighlight()).run();
    };
    return (
      <button
        key={name}
        type="button"
        className={`swatch swatch--${kind}${value ? '' : ' swatch--none'}`}
        style={value ? (kind === 'text' ? { color: value } : { backgroundColor: value }) : undefined}
        aria-label={`${kind === 'text' ? 'Text' : 'Highlight'}: ${name}`}
        title={name}
        aria-pressed={pressed}
        onMouseDown={(e) => e.preventDefault()}
        onClick={run}
        data-testid={`${kind}-color-${name.toLowerCase()}`}
      >
        <span aria-hidden="true">{kind === 'text' ? 'A' : ''}</span>
      </button>
    );
  };

  return (
    <Popover open={open} onClose={onClose} anchorRef={anchorRef} label="Colours" align="start" className="color-menu" restoreFocus={() => editor.commands.focus()}>
      <div ref={panelRef} className="color-menu__body" data-testid="color-menu">
        <p className="color-menu__label">Text colour</p>
        <div className="color-menu__row">
          {swatch('text', 'Default', null)}
          {TEXT_COLOURS.map((c) => swatch('text', c.name, c.value))}
        </div>
        <p className="color-menu__label">Highlight</p>
        <div className="color-menu__row">
          {swatch('highlight', 'None', null)}
          {HIGHLIGHT_COLOURS.map((c) => swatch('highlight', c.name, c.value))}
        </div>
      </div>
    </Popover>
  );
}
