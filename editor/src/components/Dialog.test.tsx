import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog';

afterEach(cleanup);

function setup() {
  const onClose = vi.fn();
  const opener = document.createElement('button');
  opener.textContent = 'Open';
  document.body.append(opener);
  opener.focus();
  render(
    <Dialog title="Share “Plan”" onClose={onClose}>
      <input aria-label="Edit link" />
      <button type="button">Copy</button>
    </Dialog>,
  );
  return { onClose, opener };
}

describe('Dialog', () => {
  it('is a labelled modal dialog and takes focus', () => {
    setup();
    const dialog = screen.getByRole('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(screen.getByText('Share “Plan”').id).toBe(dialog.getAttribute('aria-labelledby'));
    // First focusable element: the close button in the header.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
  });

  it('traps Tab and Shift+Tab inside', () => {
    setup();
    const close = screen.getByRole('button', { name: 'Close' });
    const copy = screen.getByRole('button', { name: 'Copy' });
    copy.focus();
    fireEvent.keyDown(document, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(document, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(copy);
  });

  it('closes on Escape and on the close button', () => {
    const { onClose } = setup();
    fireEvent.keyDown(document, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('gives focus back to the opener when it goes away', () => {
    const { opener } = setup();
    act(() => cleanup());
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
