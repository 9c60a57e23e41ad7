import { type ReactNode, type RefObject, useEffect, useRef } from 'react';

interface Props {
  open: boolean;
  onClose: () => void;
  /** The button that opened the popover: clicks on it are not "outside", and focus returns to it. */
  anchorRef: RefObject<HTMLElement | null>;
  children: ReactNode;
  className?: string;
  label: string;
  align?: 'start' | 'end';
  /** Where focus goes on Escape; the anchor button by default. */
  restoreFocus?: () => void;
}

/**
 * A small non-modal panel under a button (people list, link editor, menus). Closes on Escape and on a
 * click outside, and gives focus back to its button so keyboard users are never stranded.
 */
export function Popover({ open, onClose, anchorRef, children, className, label, align = 'end', restoreFocus }: Props) {
  const panelRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const restoreRef = useRef(restoreFocus);
  restoreRef.current = restoreFocus;

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (panelRef.current?.contains(target) || anchorRef.current?.contains(target)) return;
      onCloseRef.current();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      onCloseRef.current();
      if (restoreRef.current) restoreRef.current();
      else anchorRef.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown, true);
    };
  }, [open, anchorRef]);

  if (!open) return null;
  return (
    <div ref={panelRef} className={`popover popover--${align} ${className ?? ''}`} role="dialog" aria-label={label}>
      {children}
    </div>
  );
}
