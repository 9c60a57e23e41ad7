import { useCallback, useEffect, useRef, useState } from 'react';
import { isHistoryShortcut } from '../../lib/shortcuts';
import type { HistoryView } from '../../session/useHistoryView';

/** Where an Escape belongs to someone else: a modal dialog or an open menu handles its own. */
const OWN_ESCAPE = '[aria-modal="true"], [role="menu"]';

/**
 * The history's keyboard and focus rules: Ctrl/⌘+Alt+H opens and closes the panel; Escape leaves a
 * preview (back to live editing), or, from inside the panel, closes it. Focus goes to the panel when it
 * opens or a preview closes, and back to the ⋯ button when the panel closes, so no one is left on <body>.
 */
export function useHistoryKeys(history: HistoryView) {
  // Bumped to ask the panel to take focus.
  const [panelFocus, setPanelFocus] = useState(0);
  const latest = useRef(history);
  latest.current = history;

  const openHistory = useCallback(() => {
    latest.current.setOpen(true);
    setPanelFocus((n) => n + 1);
  }, []);
  const closeHistory = useCallback(() => {
    latest.current.setOpen(false);
    document.querySelector<HTMLElement>('[data-testid="more-menu"]')?.focus();
  }, []);
  const focusPanel = useCallback(() => setPanelFocus((n) => n + 1), []);
  const exitPreview = useCallback(() => {
    latest.current.select(null);
    focusPanel();
  }, [focusPanel]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isHistoryShortcut(event)) {
        event.preventDefault();
        if (latest.current.open) closeHistory();
        else openHistory();
        return;
      }
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest(OWN_ESCAPE) || document.querySelector('[aria-modal="true"]')) return;
      if (latest.current.selection) {
        event.preventDefault();
        exitPreview();
      } else if (latest.current.open && target?.closest('[data-testid="history-panel"]')) {
        event.preventDefault();
        closeHistory();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [openHistory, closeHistory, exitPreview]);

  return { panelFocus, focusPanel, openHistory, closeHistory, exitPreview };
}
