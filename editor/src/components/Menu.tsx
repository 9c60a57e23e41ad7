import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { Icon, type IconName } from './Icon';

export interface MenuItem {
  id: string;
  label: string;
  icon: IconName;
  onSelect: () => void;
  testId?: string;
  /** A toggle (`menuitemcheckbox`): whether it is on. */
  checked?: boolean;
  /** A key combination that does the same, shown beside the label: `{ label: 'Ctrl+Alt+H', aria: 'Control+Alt+H' }`. */
  shortcut?: { label: string; aria: string };
}

const ITEM_SELECTOR = '[role="menuitem"], [role="menuitemcheckbox"]';

interface Props {
  label: string;
  trigger: ReactNode;
  items: MenuItem[];
  triggerTestId?: string;
}

/**
 * A menu button (WAI-ARIA menu pattern): Enter/Space/ArrowDown opens and focuses the first item,
 * arrows move, Escape or Tab closes, and focus returns to the button.
 */
export function Menu({ label, trigger, items, triggerTestId }: Props) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const focusItem = (index: number) => {
    const nodes = listRef.current?.querySelectorAll<HTMLElement>(ITEM_SELECTOR);
    if (!nodes || nodes.length === 0) return;
    nodes[(index + nodes.length) % nodes.length]?.focus();
  };

  useEffect(() => {
    if (!open) return;
    focusItem(0);
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!listRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onListKeyDown = (event: KeyboardEvent) => {
    const nodes = Array.from(listRef.current?.querySelectorAll<HTMLElement>(ITEM_SELECTOR) ?? []);
    const index = nodes.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') focusItem(index + 1);
    else if (event.key === 'ArrowUp') focusItem(index - 1);
    else if (event.key === 'Home') focusItem(0);
    else if (event.key === 'End') focusItem(nodes.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') close(false);
    else return;
    if (event.key !== 'Tab') event.preventDefault();
  };

  return (
    <div className="menu">
      <button
        ref={buttonRef}
        type="button"
        className="icon-btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={label}
        title={label}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
        data-testid={triggerTestId}
      >
        {trigger}
      </button>
      {open && (
        <div ref={listRef} className="popover popover--end menu__list" role="menu" aria-label={label} onKeyDown={onListKeyDown}>
          {items.map((item) => (
            <button
              key={item.id}
              type="button"
              role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked={item.checked}
              aria-keyshortcuts={item.shortcut?.aria}
              tabIndex={-1}
              className="menu__item"
              data-testid={item.testId}
              onClick={() => {
                close(true);
                item.onSelect();
              }}
            >
              <Icon name={item.checked ? 'check' : item.icon} size={16} />
              <span className="menu__label">{item.label}</span>
              {item.shortcut && (
                <kbd className="menu__shortcut" aria-hidden="true">
                  {item.shortcut.label}
                </kbd>
              )}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
