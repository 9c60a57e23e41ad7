import type { Editor } from '@tiptap/core';
import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { SlashBridge, SlashState } from '../../editor/writer/slashMenu';
import { Icon } from '../Icon';

/** How far the menu keeps from the screen's edges (px). */
const EDGE = 8;

/**
 * The "/" block menu: a listbox under the "/", filtered as you type. The cursor stays in the text (so
 * typing keeps filtering); the editor points at the highlighted option with `aria-activedescendant`.
 * ArrowUp/ArrowDown move, Enter or Tab chooses, Escape closes and leaves the "/" as typed.
 */
export function SlashMenu({ editor, bridge }: { editor: Editor; bridge: SlashBridge }) {
  const [menu, setMenu] = useState<SlashState | null>(null);
  const [index, setIndex] = useState(0);
  const listId = useId();
  const stateRef = useRef({ menu, index });
  stateRef.current = { menu, index };

  useEffect(
    () =>
      bridge.connect(
        (next) => {
          setMenu(next);
          setIndex(0);
        },
        (event) => {
          const { menu: open, index: at } = stateRef.current;
          if (!open || open.items.length === 0) return false;
          const n = open.items.length;
          if (event.key === 'ArrowDown') setIndex((at + 1) % n);
          else if (event.key === 'ArrowUp') setIndex((at - 1 + n) % n);
          else if (event.key === 'Enter' || event.key === 'Tab') {
            const item = open.items[at];
            if (item) open.choose(item);
          } else return false;
          return true;
        },
      ),
    [bridge],
  );

  const optionId = (i: number) => `${listId}-${i}`;
  const open = menu !== null && menu.items.length > 0;
  useEffect(() => {
    const dom = editor.view.dom;
    if (!open) return;
    dom.setAttribute('aria-controls', listId);
    dom.setAttribute('aria-activedescendant', optionId(index));
    document.getElementById(optionId(index))?.scrollIntoView({ block: 'nearest' });
    return () => {
      dom.removeAttribute('aria-controls');
      dom.removeAttribute('aria-activedescendant');
    };
  });

  if (!menu) return null;
  const rect = menu.rect;
  const top = rect ? rect.bottom + 6 : 100;
  const left = rect ? Math.max(EDGE, Math.min(rect.left, window.innerWidth - 260 - EDGE)) : EDGE;

  return createPortal(
    <div className="slash-menu" style={{ top, left }} data-testid="slash-menu">
      {menu.items.length === 0 ? (
        <p className="slash-menu__empty muted">No block matches “{menu.query}”</p>
      ) : (
        <ul id={listId} role="listbox" aria-label="Block types" className="slash-menu__list">
          {menu.items.map((item, i) => (
            <li
              key={item.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === index}
              className="slash-menu__item"
              // Keep the cursor in the text: the choice deletes "/query" there.
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setIndex(i)}
              onClick={() => menu.choose(item)}
              data-testid={`slash-${item.id}`}
            >
              <Icon name={item.icon} />
              {item.label}
            </li>
          ))}
        </ul>
      )}
    </div>,
    document.body,
  );
}
