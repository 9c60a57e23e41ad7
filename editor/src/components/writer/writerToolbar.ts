/**
 * The toolbar buttons for the writer's marks and alignment (the toolbar's other groups are in
 * `doc/toolbarItems.ts`). Shortcut labels come from the one shortcut list.
 */
import type { Editor } from '@tiptap/core';
import { formatKeys } from '../../lib/shortcuts';
import '../../editor/writer/markCommands';
import type { ToolbarButton } from '../doc/toolbarItems';

/** Highlight (the default yellow), subscript and superscript; colours are in the colour menu. */
export const MARK_BUTTONS: ToolbarButton[] = [
  { id: 'highlight', label: 'Highlight', icon: 'highlight', shortcut: formatKeys('Mod-Shift-h'), isActive: (e) => e.isActive('highlight'), run: (e) => e.chain().focus().toggleHighlight().run() },
  { id: 'subscript', label: 'Subscript', icon: 'subscript', shortcut: formatKeys('Mod-,'), isActive: (e) => e.isActive('subscript'), run: (e) => e.chain().focus().toggleSubscript().run() },
  { id: 'superscript', label: 'Superscript', icon: 'superscript', shortcut: formatKeys('Mod-.'), isActive: (e) => e.isActive('superscript'), run: (e) => e.chain().focus().toggleSuperscript().run() },
];

const ALIGNMENTS = [
  { id: 'left', label: 'Align left', icon: 'alignLeft', keys: 'Mod-Shift-l' },
  { id: 'center', label: 'Align centre', icon: 'alignCenter', keys: 'Mod-Shift-e' },
  { id: 'right', label: 'Align right', icon: 'alignRight', keys: 'Mod-Shift-r' },
  { id: 'justify', label: 'Justify', icon: 'alignJustify', keys: 'Mod-Shift-j' },
] as const;

/** Whether the block at the selection is aligned `align` (no alignment set reads as left). */
function isAligned(editor: Editor, align: string): boolean {
  if (editor.isActive({ textAlign: align })) return true;
  return align === 'left' && !['center', 'right', 'justify'].some((a) => editor.isActive({ textAlign: a }));
}

/** Left leaves the attribute unset, so text follows the writing direction and old documents read the same. */
export const ALIGN_BUTTONS: ToolbarButton[] = ALIGNMENTS.map((a) => ({
  id: `align-${a.id}`,
  label: a.label,
  icon: a.icon,
  shortcut: formatKeys(a.keys),
  isActive: (e) => isAligned(e, a.id),
  run: (e) => (a.id === 'left' ? e.chain().focus().unsetTextAlign().run() : e.chain().focus().setTextAlign(a.id).run()),
}));

/** Text colours and highlight colours the colour menu offers (readable on the light and the dark page). */
export const TEXT_COLOURS = [
  { name: 'Red', value: '#dc2626' },
  { name: 'Orange', value: '#ea580c' },
  { name: 'Green', value: '#16a34a' },
  { name: 'Blue', value: '#2563eb' },
  { name: 'Purple', value: '#9333ea' },
  { name: 'Grey', value: '#6b7280' },
] as const;

export const HIGHLIGHT_COLOURS = [
  { name: 'Yellow', value: '#fef08a' },
  { name: 'Green', value: '#bbf7d0' },
  { name: 'Blue', value: '#bfdbfe' },
  { name: 'Pink', value: '#fbcfe8' },
  { name: 'Orange', value: '#fed7aa' },
] as const;
