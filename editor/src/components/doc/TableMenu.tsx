import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { type KeyboardEvent, type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { INSERT_TABLE, TABLE_COMMANDS, type TableCommand, isInTable } from '../../editor/tableCommands';
import { Icon } from '../Icon';

interface Props {
  editor: Editor;
  /** The toolbar's table button: the menu opens under it, and Escape gives it the focus back. */
  anchorRef: RefObject<HTMLButtonElement | null>;
  /** `refocus`: give the focus back to the table button (Escape), rather than leave it where it went. */
  onClose: (refocus: boolean) => void;
}

/** How far the menu keeps from the screen's edges (px). */
const EDGE = 8;

/**
 * The table menu (WAI-ARIA menu): "Insert table" outside a table; inside one, rows, columns, the header
 * row, merging and splitting, and deleting. It is drawn outside the toolbar, which scrolls sideways on a
 * phone and would clip it. Items that would do nothing here (merge without several cells selected) are
 * disabled, and the arrow keys skip them.
 */
export function TableMenu({ editor, anchorRef, onClose }: Props) {
  const listRef = useRef<HTMLDivElement>(null);
  const [left, setLeft] = useState<number | null>(null);

  const items = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      (isInTable(e) ? TABLE_COMMANDS : [INSERT_TABLE]).map((command) => ({
        command,
        enabled: command.enabled(e),
        checked: command.checked?.(e),
      })),
    equalityFn: (a, b) =>
      a.length === b?.length && a.every((item, i) => item.command === b[i]?.command && item.enabled === b[i]?.enabled && item.checked === b[i]?.checked),
  });

  // Under the button, within the screen: the toolbar may be scrolled, and a phone is narrow.
  useLayoutEffect(() => {
    const anchor = anchorRef.current;
    const list = listRef.current;
    const container = list?.offsetParent;
    if (!anchor || !list || !container) return;
    const base = container.getBoundingClientRect();
    const wanted = anchor.getBoundingClientRect().left - base.left;
    const max = window.innerWidth - base.left - list.offsetWidth - EDGE;
    setLeft(Math.max(EDGE - base.left, Math.min(wanted, max)));
  }, [anchorRef]);

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>('[role^="menuitem"]:not(:disabled)')?.focus();
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!listRef.current?.contains(target) && !anchorRef.current?.contains(target)) onClose(false);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [anchorRef, onClose]);

  const onKeyDown = (event: KeyboardEvent) => {
    const nodes = Array.from(listRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not(:disabled)') ?? []);
    const index = nodes.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => nodes[(i + nodes.length) % nodes.length]?.focus();
    if (event.key === 'ArrowDown') focus(index + 1);
    else if (event.key === 'ArrowUp') focus(index - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(nodes.length - 1);
    else if (event.key === 'Escape') onClose(true);
    else if (event.key === 'Tab') onClose(false);
    else return;
    if (event.key !== 'Tab') event.preventDefault();
    // Escape must not also reach the page (it would close a panel behind the menu).
    event.stopPropagation();
  };

  const select = (command: TableCommand) => {
    onClose(false);
    command.run(editor);
  };

  return (
    <div
      ref={listRef}
      className="popover menu__list table-menu"
      role="menu"
      aria-label="Table"
      style={{ left: left ?? 0, visibility: left === null ? 'hidden' : undefined }}
      onKeyDown={onKeyDown}
      data-testid="table-menu"
    >
      {items?.map(({ command, enabled, checked }) => (
        <div key={command.id} role="none">
          {command.startsGroup && <div className="table-menu__divider" role="separator" />}
          <button
            type="button"
            role={checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={checked}
            tabIndex={-1}
            className="menu__item"
            disabled={!enabled}
            onClick={() => select(command)}
            data-testid={`table-${command.id}`}
          >
            <Icon name={checked ? 'check' : command.icon} size={16} />
            <span className="menu__label">{command.label}</span>
          </button>
        </div>
      ))}
    </div>
  );
}
