/** Page-wide key combinations, with the words each platform uses for them. */

const isApple = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Ctrl/⌘ + Alt/⌥ + H opens and closes version history. */
export function historyShortcut(): { label: string; aria: string } {
  return isApple() ? { label: '⌘⌥H', aria: 'Meta+Alt+H' } : { label: 'Ctrl+Alt+H', aria: 'Control+Alt+H' };
}

/** Whether `event` is the history shortcut. By physical key: ⌥H types "˙" on a Mac keyboard. */
export function isHistoryShortcut(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'code'>): boolean {
  return (event.ctrlKey || event.metaKey) && event.altKey && !event.shiftKey && event.code === 'KeyH';
}

/** Ctrl/⌘ + Alt/⌥ + M comments on the selected text. */
export function commentShortcut(): { label: string; aria: string } {
  return isApple() ? { label: '⌘⌥M', aria: 'Meta+Alt+M' } : { label: 'Ctrl+Alt+M', aria: 'Control+Alt+M' };
}

/** Whether `event` is the comment shortcut (by physical key, like the history one). */
export function isCommentShortcut(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'code'>): boolean {
  return (event.ctrlKey || event.metaKey) && event.altKey && !event.shiftKey && event.code === 'KeyM';
}

/**
 * Every keyboard shortcut, in the words of Tiptap's keymaps (`Mod` is ⌘ on Apple keyboards, Ctrl
 * elsewhere). The help dialog lists this, and Tandem's own bindings (find, help) read their keys from it,
 * so the two cannot drift; the rest are the keys of the Tiptap extensions in the shared schema.
 */
export const SHORTCUTS = [
  { group: 'Text', keys: ['Mod-b'], action: 'Bold' },
  { group: 'Text', keys: ['Mod-i'], action: 'Italic' },
  { group: 'Text', keys: ['Mod-u'], action: 'Underline' },
  { group: 'Text', keys: ['Mod-Shift-s'], action: 'Strikethrough' },
  { group: 'Text', keys: ['Mod-e'], action: 'Inline code' },
  { group: 'Text', keys: ['Mod-Shift-h'], action: 'Highlight' },
  { group: 'Text', keys: ['Mod-,'], action: 'Subscript' },
  { group: 'Text', keys: ['Mod-.'], action: 'Superscript' },
  { group: 'Text', keys: ['Mod-k'], action: 'Link' },
  { group: 'Blocks', keys: ['Mod-Alt-0'], action: 'Text' },
  { group: 'Blocks', keys: ['Mod-Alt-1', 'Mod-Alt-6'], action: 'Heading 1 to 6' },
  { group: 'Blocks', keys: ['/'], action: 'Block menu (at the start of a line)' },
  { group: 'Blocks', keys: ['Mod-Shift-8'], action: 'Bulleted list' },
  { group: 'Blocks', keys: ['Mod-Shift-7'], action: 'Numbered list' },
  { group: 'Blocks', keys: ['Mod-Shift-9'], action: 'Task list' },
  { group: 'Blocks', keys: ['Mod-Shift-b'], action: 'Quote' },
  { group: 'Blocks', keys: ['Mod-Alt-c'], action: 'Code block' },
  { group: 'Blocks', keys: ['Mod-Shift-l'], action: 'Align left' },
  { group: 'Blocks', keys: ['Mod-Shift-e'], action: 'Align centre' },
  { group: 'Blocks', keys: ['Mod-Shift-r'], action: 'Align right' },
  { group: 'Blocks', keys: ['Mod-Shift-j'], action: 'Justify' },
  { group: 'Document', keys: ['Mod-z'], action: 'Undo your last change' },
  { group: 'Document', keys: ['Mod-Shift-z'], action: 'Redo' },
  { group: 'Document', keys: ['Mod-f'], action: 'Find and replace', id: 'find' },
  { group: 'Document', keys: ['Mod-Alt-m'], action: 'Comment on the selection' },
  { group: 'Document', keys: ['Mod-Alt-h'], action: 'Version history' },
  { group: 'Document', keys: ['?', 'Mod-/'], action: 'Keyboard shortcuts', id: 'help' },
] as const satisfies readonly { group: string; keys: readonly string[]; action: string; id?: string }[];

export type Shortcut = (typeof SHORTCUTS)[number];

/** The keys of the shortcut with this id. */
export function shortcutKeys(id: 'find' | 'help'): readonly string[] {
  return SHORTCUTS.find((s) => 'id' in s && s.id === id)?.keys ?? [];
}

/**
 * A Tiptap key string as the platform writes it: `Mod-Shift-s` → "⌘⇧S" on a Mac, "Ctrl+Shift+S" elsewhere.
 *
 * @example formatKeys('Mod-Alt-1', false) // 'Ctrl+Alt+1'
 */
export function formatKeys(keys: string, apple = isApple()): string {
  const parts = keys === '-' ? ['-'] : keys.split(/-(?!$)/);
  const key = parts.pop() ?? '';
  const names: Record<string, [string, string]> = { Mod: ['⌘', 'Ctrl'], Shift: ['⇧', 'Shift'], Alt: ['⌥', 'Alt'], Ctrl: ['⌃', 'Ctrl'] };
  const modifiers = parts.map((p) => names[p]?.[apple ? 0 : 1] ?? p);
  const last = key.length === 1 ? key.toUpperCase() : key;
  return apple ? `${modifiers.join('')}${last}` : [...modifiers, last].join('+');
}

/**
 * Whether a key event is the Tiptap key string `keys`. Letters and digits compare by physical key (an
 * Alt combination types another character on a Mac); `?` and `/` by the character typed.
 */
export function matchesKeys(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'key' | 'code'>, keys: string, apple = isApple()): boolean {
  const parts = keys.split(/-(?!$)/);
  const key = parts.pop() ?? '';
  const mod = parts.includes('Mod');
  if (mod !== (apple ? event.metaKey : event.ctrlKey)) return false;
  if ((apple ? event.ctrlKey : event.metaKey) || event.altKey !== parts.includes('Alt')) return false;
  if (/^[a-z0-9]$/i.test(key)) return event.shiftKey === parts.includes('Shift') && event.code === (/\d/.test(key) ? `Digit${key}` : `Key${key.toUpperCase()}`);
  // `?` needs Shift on most layouts; what matters is the character.
  return event.key === key;
}
