import type { Editor } from '@tiptap/core';
import type { IconName } from '../Icon';
import { ALIGN_BUTTONS, MARK_BUTTONS } from '../writer/writerToolbar';

/** ⌘ on Apple keyboards, Ctrl elsewhere — for tooltips only; Tiptap's `Mod` handles the actual keys. */
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const MOD = isMac ? '⌘' : 'Ctrl+';
const SHIFT = isMac ? '⇧' : 'Shift+';
const ALT = isMac ? '⌥' : 'Alt+';

export interface ToolbarButton {
  id: string;
  label: string;
  icon: IconName;
  shortcut?: string;
  /** Whether the mark/node is active at the selection (toggle buttons only). */
  isActive?: (editor: Editor) => boolean;
  run: (editor: Editor) => void;
}

/** The toolbar in groups; separators go between groups. Shortcuts are StarterKit's own. */
export const TOOLBAR_GROUPS: ToolbarButton[][] = [
  [
    { id: 'bold', label: 'Bold', icon: 'bold', shortcut: `${MOD}B`, isActive: (e) => e.isActive('bold'), run: (e) => e.chain().focus().toggleBold().run() },
    { id: 'italic', label: 'Italic', icon: 'italic', shortcut: `${MOD}I`, isActive: (e) => e.isActive('italic'), run: (e) => e.chain().focus().toggleItalic().run() },
    { id: 'underline', label: 'Underline', icon: 'underline', shortcut: `${MOD}U`, isActive: (e) => e.isActive('underline'), run: (e) => e.chain().focus().toggleUnderline().run() },
    { id: 'strike', label: 'Strikethrough', icon: 'strike', shortcut: `${MOD}${SHIFT}S`, isActive: (e) => e.isActive('strike'), run: (e) => e.chain().focus().toggleStrike().run() },
    { id: 'code', label: 'Inline code', icon: 'code', shortcut: `${MOD}E`, isActive: (e) => e.isActive('code'), run: (e) => e.chain().focus().toggleCode().run() },
  ],
  MARK_BUTTONS,
  [
    { id: 'bulletList', label: 'Bulleted list', icon: 'bulletList', shortcut: `${MOD}${SHIFT}8`, isActive: (e) => e.isActive('bulletList'), run: (e) => e.chain().focus().toggleBulletList().run() },
    { id: 'orderedList', label: 'Numbered list', icon: 'orderedList', shortcut: `${MOD}${SHIFT}7`, isActive: (e) => e.isActive('orderedList'), run: (e) => e.chain().focus().toggleOrderedList().run() },
    { id: 'taskList', label: 'Task list', icon: 'taskList', shortcut: `${MOD}${SHIFT}9`, isActive: (e) => e.isActive('taskList'), run: (e) => e.chain().focus().toggleTaskList().run() },
  ],
  [
    { id: 'blockquote', label: 'Quote', icon: 'quote', shortcut: `${MOD}${SHIFT}B`, isActive: (e) => e.isActive('blockquote'), run: (e) => e.chain().focus().toggleBlockquote().run() },
    { id: 'codeBlock', label: 'Code block', icon: 'codeBlock', shortcut: `${MOD}${ALT}C`, isActive: (e) => e.isActive('codeBlock'), run: (e) => e.chain().focus().toggleCodeBlock().run() },
    { id: 'horizontalRule', label: 'Divider', icon: 'rule', run: (e) => e.chain().focus().setHorizontalRule().run() },
  ],
  ALIGN_BUTTONS,
];

const LEVELS = [1, 2, 3, 4, 5, 6] as const;
type Level = (typeof LEVELS)[number];
export type BlockType = 'paragraph' | `h${Level}` | 'other';
/** What the text style menu offers, in order. */
export const BLOCK_CHOICES: Exclude<BlockType, 'other'>[] = ['paragraph', ...LEVELS.map((l) => `h${l}` as const)];

export function currentBlock(editor: Editor): BlockType {
  if (editor.isActive('paragraph')) return 'paragraph';
  for (const level of LEVELS) if (editor.isActive('heading', { level })) return `h${level}`;
  return 'other';
}

export function setBlock(editor: Editor, block: BlockType): void {
  const chain = editor.chain().focus();
  if (block === 'paragraph') chain.setParagraph().run();
  else if (block !== 'other') chain.setHeading({ level: Number(block.slice(1)) as Level }).run();
}

export const BLOCK_SHORTCUTS: Record<'paragraph' | 'h1', string> = {
  paragraph: `${MOD}${ALT}0`,
  h1: `${MOD}${ALT}1`,
};
