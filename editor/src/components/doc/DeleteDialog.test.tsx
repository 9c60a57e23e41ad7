import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeleteDialog } from './DeleteDialog';

afterEach(cleanup);

describe('DeleteDialog', () => {
  it('names the document, starts on Cancel, and Cancel deletes nothing', () => {
    const onDelete = vi.fn(async () => null);
    const onClose = vi.fn();
    render(<DeleteDialog title="  Plans for May " onDelete={onDelete} onClose={onClose} />);
    expect(screen.getByRole('dialog', { name: 'Delete this document?' })).toBeTruthy();
    expect(screen.getByTestId('delete-dialog-title').textContent).toBe('Plans for May');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onDelete).not.toHaveBeenCalled();
  });

  it('an empty title reads as Untitled', () => {
    render(<DeleteDialog title="" onDelete={async () => null} onClose={() => {}} />);
    expect(screen.getByTestId('delete-dialog-title').textContent).toBe('Untitled');
  });

  it('deletes on confirm, busy meanwhile (Escape does not close it)', async () => {
    let finish: (problem: string | null) => void = () => {};
    const onDelete = vi.fn(() => new Promise<string | null>((resolve) => (finish = resolve)));
    const onClose = vi.fn();
    render(<DeleteDialog title="Plans" onDelete={onDelete} onClose={onClose} />);
    fireEvent.click(screen.getByTestId('confirm-delete'));
    expect(onDelete).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('confirm-delete').textContent).toBe('Deleting…');
    expect((screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => finish(null));
  });

  it('says what went wrong and lets the person try again', async () => {
    const onDelete = vi.fn(async () => 'Could not reach the server. The document was not deleted.');
    render(<DeleteDialog title="Plans" onDelete={onDelete} onClose={() => {}} />);
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-delete'));
    });
    expect(screen.getByRole('alert').textContent).toContain('was not deleted');
    expect((screen.getByTestId('confirm-delete') as HTMLButtonElement).disabled).toBe(false);
  });
});
