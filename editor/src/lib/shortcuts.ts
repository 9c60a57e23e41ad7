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
