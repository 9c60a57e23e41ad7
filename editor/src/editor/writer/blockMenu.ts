/**
 * The "/" block menu's items and how typing filters them. Each item turns the current block into
 * another (or inserts one); the menu removes the "/query" text first.
 */
import type { ChainedCommands, Editor, Range } from '@tiptap/core';
import type { IconName } from '../../components/Icon';
import { NEW_TABLE } from '../tableCommands';

export interface BlockItem {
  id: string;
  label: string;
  /** Other words that find it ("h1", "todo", "hr"). */
  keywords: readonly string[];
  icon: IconName;
  run: (chain: ChainedCommands) => ChainedCommands;
}

const headings: BlockItem[] = ([1, 2, 3, 4, 5, 6] as const).map((level) => ({
  id: `heading${level}`,
  label: `Heading ${level}`,
  keywords: [`h${level}`, 'title', 'heading'],
  icon: 'outline' as const,
  run: (chain) => chain.setNode('heading', { level }),
}));

export const BLOCK_ITEMS: readonly BlockItem[] = [
  { id: 'paragraph', label: 'Text', keywords: ['paragraph', 'plain', 'p'], icon: 'alignLeft', run: (c) => c.setParagraph() },
  ...headings,
  { id: 'bulletList', label: 'Bulleted list', keywords: ['ul', 'unordered', 'bullet', 'list'], icon: 'bulletList', run: (c) => c.toggleBulletList() },
  { id: 'orderedList', label: 'Numbered list', keywords: ['ol', 'ordered', 'number', 'list'], icon: 'orderedList', run: (c) => c.toggleOrderedList() },
  { id: 'taskList', label: 'Task list', keywords: ['todo', 'checkbox', 'check', 'list'], icon: 'taskList', run: (c) => c.toggleTaskList() },
  { id: 'blockquote', label: 'Quote', keywords: ['blockquote', 'citation'], icon: 'quote', run: (c) => c.toggleBlockquote() },
  { id: 'codeBlock', label: 'Code block', keywords: ['code', 'pre', 'snippet'], icon: 'codeBlock', run: (c) => c.toggleCodeBlock() },
  { id: 'table', label: 'Table', keywords: ['grid', 'rows', 'columns'], icon: 'table', run: (c) => c.insertTable({ ...NEW_TABLE }) },
  { id: 'horizontalRule', label: 'Divider', keywords: ['hr', 'rule', 'line', 'separator'], icon: 'rule', run: (c) => c.setHorizontalRule() },
];

/**
 * The items matching what was typed after "/": a label or keyword that starts with the query comes
 * first, then those containing it anywhere; case and accents are ignored; an empty query lists all.
 *
 * @example filterBlockItems('h2').map((i) => i.id) // ['heading2']
 */
export function filterBlockItems(query: string, items: readonly BlockItem[] = BLOCK_ITEMS): BlockItem[] {
  const q = fold(query.trim());
  if (q === '') return [...items];
  const words = (item: BlockItem) => [item.label, ...item.label.split(' '), ...item.keywords].map(fold);
  const starts = items.filter((item) => words(item).some((w) => w.startsWith(q)));
  const contains = items.filter((item) => !starts.includes(item) && words(item).some((w) => w.includes(q)));
  return [...starts, ...contains];
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Runs an item: deletes the "/query" text in `range`, then changes the block. */
export function runBlockItem(editor: Editor, range: Range, item: BlockItem): void {
  item.run(editor.chain().focus().deleteRange(range)).run();
}
