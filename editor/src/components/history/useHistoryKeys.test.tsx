import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistorySelection } from '../../lib/historyRange';
import type { HistoryView } from '../../session/useHistoryView';
import { useHistoryKeys } from './useHistoryKeys';

afterEach(cleanup);

/** The page's history state, reduced to what the keys act on. */
function Page({ modal = false }: { modal?: boolean }) {
  const [open, setOpen] = useState(false);
  const [selection, select] = useState<HistorySelection | null>(null);
  const view = { open, setOpen, selection, select } as unknown as HistoryView;
  const { panelFocus } = useHistoryKeys(view);
  return (
    <div>
      <button type="button" data-testid="more-menu">
        ⋯
      </button>
      <p data-testid="state" data-open={open} data-selection={selection ? 'yes' : 'no'} data-focus={panelFocus} />
      {open && (
        <aside data-testid="history-panel">
          <button type="button" data-testid="inside" onClick={() => select({ kind: 'point', n: 1 })}>
            preview
          </button>
        </aside>
      )}
      {modal && <div aria-modal="true" />}
    </div>
  );
}

const state = () => document.querySelector<HTMLElement>('[data-testid="state"]')!.dataset;

describe('useHistoryKeys', () => {
  it('Ctrl+Alt+H opens and closes the panel; Escape leaves a preview first, then closes the panel from inside it', () => {
    const { getByTestId } = render(<Page />);
    fireEvent.keyDown(document.body, { key: 'h', code: 'KeyH', ctrlKey: true, altKey: true });
    expect(state()).toMatchObject({ open: 'true', focus: '1' });

    fireEvent.click(getByTestId('inside'));
    expect(state().selection).toBe('yes');
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(state()).toMatchObject({ open: 'true', selection: 'no', focus: '2' });

    // Escape elsewhere on the page leaves the panel alone; from inside it, closes it and returns focus.
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(state().open).toBe('true');
    getByTestId('inside').focus();
    act(() => {
      fireEvent.keyDown(getByTestId('inside'), { key: 'Escape' });
    });
    expect(state().open).toBe('false');
    expect(document.activeElement).toBe(getByTestId('more-menu'));

    // ⌘ on a Mac; Alt+H alone (or with Shift) is not it.
    fireEvent.keyDown(document.body, { key: '˙', code: 'KeyH', metaKey: true, altKey: true });
    expect(state().open).toBe('true');
    fireEvent.keyDown(document.body, { key: 'H', code: 'KeyH', ctrlKey: true, altKey: true, shiftKey: true });
    fireEvent.keyDown(document.body, { key: 'h', code: 'KeyH', altKey: true });
    expect(state().open).toBe('true');
  });

  it('leaves Escape to an open modal dialog', () => {
    const { getByTestId, rerender } = render(<Page />);
    fireEvent.keyDown(document.body, { key: 'h', code: 'KeyH', ctrlKey: true, altKey: true });
    fireEvent.click(getByTestId('inside'));
    rerender(<Page modal />);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(state().selection).toBe('yes');
  });
});
