import type { DecorationAttrs } from '@tiptap/pm/view';

/**
 * How other people's carets and selections look. The extension passes us the awareness `user` with the
 * colour already validated (invalid colours arrive as 'transparent'); the name is untrusted text, so it
 * only ever goes into an attribute (never HTML).
 */
export function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user.color === 'string' ? user.color : 'transparent';
  const name = typeof user.name === 'string' && user.name.trim() ? user.name.trim().slice(0, 40) : 'Anonymous';

  const caret = document.createElement('span');
  caret.className = 'collab-caret';
  caret.style.setProperty('--caret-color', color);
  caret.setAttribute('aria-hidden', 'true');

  // Rendered by CSS from the attribute: a text node here would become part of the editor's text.
  caret.dataset.name = user.role === 'viewer' ? `${name} (viewing)` : user.role === 'commenter' ? `${name} (commenting)` : name;
  return caret;
}

export function renderSelection(user: Record<string, unknown>): DecorationAttrs {
  const color = typeof user.color === 'string' && /^#[0-9a-fA-F]{6}$/.test(user.color) ? user.color : null;
  if (!color) return {};
  // 8-digit hex: the person's colour at ~22% opacity, readable over text in both themes.
  return { nodeName: 'span', class: 'collab-selection', style: `background-color: ${color}38` };
}
