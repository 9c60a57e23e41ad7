/**
 * The image controls [UP7]: the toolbar's upload button, and — while an image is selected — a bar to edit
 * its alt text and pick its size (stored as the node's `width`, so every reader sees the same size).
 */
import type { Editor } from '@tiptap/core';
import { NodeSelection } from '@tiptap/pm/state';
import { useEditorState } from '@tiptap/react';
import { useEffect, useRef, useState } from 'react';
import { IMAGE_ACCEPT, uploadImageFiles } from '../../editor/imageUploads';
import '../../styles/images.css';
import { Icon } from '../Icon';

/** Size presets (CSS pixels); null is the image's own size, at most the column's width. */
const SIZES: { label: string; width: number | null }[] = [
  { label: 'Small', width: 240 },
  { label: 'Medium', width: 420 },
  { label: 'Large', width: 640 },
  { label: 'Full', width: null },
];

interface ButtonProps {
  editor: Editor | null;
  disabled: boolean;
  roving: object;
}

/** The toolbar button: opens the file picker, uploads what is chosen, inserts it at the cursor. */
export function ImageButton({ editor, disabled, roving }: ButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="tb-btn"
        aria-label="Image"
        title="Insert an image (PNG, JPEG, GIF, WebP)"
        disabled={disabled}
        onClick={() => input.current?.click()}
        data-testid="tb-image"
        {...roving}
      >
        <Icon name="image" />
      </button>
      <input
        ref={input}
        type="file"
        accept={IMAGE_ACCEPT}
        multiple
        hidden
        data-testid="image-file-input"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (editor && files.length > 0) void uploadImageFiles(editor, files);
        }}
      />
    </>
  );
}

/** Shown under the toolbar while an image is selected. */
export function ImageBar({ editor }: { editor: Editor | null }) {
  const selected = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const sel = e?.state.selection;
      if (!(sel instanceof NodeSelection) || sel.node.type.name !== 'image') return null;
      return { pos: sel.from, alt: String(sel.node.attrs['alt'] ?? ''), width: (sel.node.attrs['width'] as number | null) ?? null };
    },
  });
  const [alt, setAlt] = useState('');
  useEffect(() => setAlt(selected?.alt ?? ''), [selected?.pos, selected?.alt]);
  if (!editor || !selected) return null;

  const setAttrs = (attrs: Record<string, unknown>) => {
    const node = editor.state.doc.nodeAt(selected.pos);
    if (node?.type.name !== 'image') return;
    const tr = editor.state.tr.setNodeMarkup(selected.pos, undefined, { ...node.attrs, ...attrs });
    tr.setSelection(NodeSelection.create(tr.doc, selected.pos));
    editor.view.dispatch(tr);
  };
  const saveAlt = () => {
    if (alt.trim() !== selected.alt) setAttrs({ alt: alt.trim() || null });
  };

  return (
    <div className="image-bar" role="group" aria-label="Image" data-testid="image-bar">
      <label className="image-bar__alt">
        <span>Alt text</span>
        <input
          value={alt}
          maxLength={500}
          placeholder="Describe the image for people who cannot see it"
          onChange={(e) => setAlt(e.target.value)}
          onBlur={saveAlt}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              saveAlt();
              editor.view.focus();
            }
          }}
          data-testid="image-alt"
        />
      </label>
      <div className="image-bar__sizes" role="radiogroup" aria-label="Size">
        {SIZES.map((size) => (
          <button
            key={size.label}
            type="button"
            role="radio"
            aria-checked={selected.width === size.width}
            className="image-bar__size"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => setAttrs({ width: size.width })}
            data-testid={`image-size-${size.label.toLowerCase()}`}
          >
            {size.label}
          </button>
        ))}
      </div>
    </div>
  );
}
