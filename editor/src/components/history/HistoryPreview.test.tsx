import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistoryPreview } from './HistoryPreview';
import { diffOf, timelineOf, versionOf } from './fixtures';

afterEach(cleanup);

const versions = [
  versionOf({ id: 'v2', createdAt: '2025-01-02T10:00:00Z', name: 'Draft', kind: 'named' }),
  versionOf({ id: 'v1', createdAt: '2025-01-01T10:00:00Z' }),
];
const state = { diff: diffOf(), shown: { from: 'v1', to: 'v2' }, loading: false, error: null };

function renderPreview(canEdit: boolean, selection: Parameters<typeof HistoryPreview>[0]['selection'] = { kind: 'version', id: 'v2', compare: 'previous' }) {
  const props = { onCompareChange: vi.fn(), onRestore: vi.fn(async () => null), onExit: vi.fn() };
  render(<HistoryPreview selection={selection} versions={versions} timeline={timelineOf(2)} state={state} canEdit={canEdit} {...props} />);
  return props;
}

describe('HistoryPreview', () => {
  it('says what it shows, compares with now on request, and leads back to the live document', () => {
    const props = renderPreview(false);
    expect(screen.getByTestId('preview-label').textContent).toMatch(/^Draft · /);
    expect(screen.getByText(/what changed since Automatic/)).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Compare with now'));
    expect(props.onCompareChange).toHaveBeenCalledWith('now');
    fireEvent.click(screen.getByRole('button', { name: 'Back to live document' }));
    expect(props.onExit).toHaveBeenCalled();
  });

  it('offers Restore only to edit links, after a confirmation that says it can be undone', async () => {
    renderPreview(false);
    expect(screen.queryByRole('button', { name: 'Restore this version' })).toBeNull();
    cleanup();
    const props = renderPreview(true);
    fireEvent.click(screen.getByRole('button', { name: 'Restore this version' }));
    const dialog = screen.getByTestId('restore-dialog');
    expect(dialog.textContent).toMatch(/You can undo this/);
    fireEvent.click(within(dialog).getByTestId('confirm-restore'));
    expect(props.onRestore).toHaveBeenCalledWith(versions[0]);
  });

  it('on the timeline, names the moment and offers no restore', () => {
    renderPreview(true, { kind: 'point', n: 4 });
    expect(screen.getByTestId('preview-label').textContent).toMatch(/^As it was at /);
    expect(screen.queryByRole('button', { name: 'Restore this version' })).toBeNull();
    expect(screen.queryByLabelText('Compare with now')).toBeNull();
  });
});
