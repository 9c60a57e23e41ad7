import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryView } from '../../session/useHistoryView';
import { HistoryPanel } from './HistoryPanel';
import { ALICE, BOB, timelineOf, versionOf } from './fixtures';

afterEach(cleanup);

const today = new Date();
today.setHours(9, 30, 0, 0);
const versions = [
  versionOf({ id: 'v3', createdAt: new Date(today.getTime() + 3600_000).toISOString(), kind: 'restore', authorDetails: [BOB], deleted: 12 }),
  versionOf({ id: 'v2', createdAt: today.toISOString(), name: 'Draft', kind: 'named', authorDetails: [ALICE, BOB], inserted: 40, deleted: 2 }),
  versionOf({ id: 'v1', createdAt: new Date(today.getTime() - 86_400_000 * 3).toISOString(), authorDetails: [ALICE], inserted: 5 }),
];

/** A panel state as useHistoryView gives it, loaded. */
function viewOf(over: Partial<HistoryView> = {}): HistoryView {
  return {
    open: true,
    setOpen: vi.fn(),
    data: { versions, timeline: timelineOf(3), error: null, unavailable: false, generation: 1, refresh: vi.fn() },
    selection: null,
    select: vi.fn(),
    selectPoint: vi.fn(),
    diff: { diff: null, shown: null, loading: false, error: null },
    authors: [ALICE, BOB],
    revertSince: Date.UTC(2025, 0, 2, 10),
    nameVersion: vi.fn(async () => null),
    restore: vi.fn(async () => null),
    revert: vi.fn(async () => ({ ok: true, message: 'done' })),
    notice: null,
    ...over,
  };
}

function renderPanel(view: HistoryView, canEdit: boolean) {
  return render(
    <HistoryPanel view={view} canEdit={canEdit} selfName="Alice" authorsShown={false} onAuthorsShownChange={vi.fn()} focusRequest={1} onClose={vi.fn()} />,
  );
}

describe('HistoryPanel', () => {
  it('lists versions under their day with kind, authors and size, and previews one on click', () => {
    const view = viewOf();
    renderPanel(view, false);
    const panel = screen.getByRole('complementary', { name: 'Version history' });
    expect(document.activeElement?.textContent).toBe('Version history');
    const today = within(panel).getByRole('region', { name: 'Today' });
    const items = within(today).getAllByTestId('version-item');
    expect(items.map((i) => i.querySelector('.version__name')?.textContent)).toEqual(['Before restore', 'Draft']);
    expect(within(items[1]!).getAllByTestId('author-chip').map((c) => c.textContent)).toEqual(['Alice', 'Bob']);
    expect(within(items[1]!).getByText('40 added, 2 removed')).toBeTruthy();
    expect(screen.getAllByTestId('version-item')[2]?.querySelector('.version__name')?.textContent).toBe('Automatic');
    fireEvent.click(items[1]!);
    expect(view.select).toHaveBeenCalledWith({ kind: 'version', id: 'v2', compare: 'previous' });
  });

  it('gives a view or comment link the timeline and previews, but no naming or reverting', () => {
    renderPanel(viewOf(), false);
    expect(screen.getByLabelText('Timeline')).toBeTruthy();
    expect(screen.queryByTestId('name-version')).toBeNull();
    expect(screen.queryByTestId('revert-start')).toBeNull();
  });

  it('lets an edit link name the current version and revert someone else’s changes, after confirming', async () => {
    const view = viewOf();
    renderPanel(view, true);
    fireEvent.click(screen.getByTestId('name-version'));
    fireEvent.change(screen.getByLabelText('Name for the current version'), { target: { value: '  Sent out ' } });
    fireEvent.submit(screen.getByTestId('version-name-input').closest('form')!);
    expect(view.nameVersion).toHaveBeenCalledWith('Sent out');

    expect((screen.getByLabelText('Author') as HTMLSelectElement).value).toBe('Bob');
    fireEvent.click(screen.getByTestId('revert-start'));
    const dialog = await screen.findByTestId('revert-dialog');
    expect(dialog.textContent).toMatch(/You can undo this/);
    fireEvent.click(within(dialog).getByTestId('confirm-revert'));
    await screen.findByTestId('revert-notice');
    const [target, since] = (view.revert as ReturnType<typeof vi.fn>).mock.calls[0] as [string, string];
    expect(target).toBe('Bob');
    expect(Date.parse(since)).toBe(Date.UTC(2025, 0, 2, 10));
  });

  it('says so when the server keeps no history', () => {
    const view = viewOf({ data: { versions: null, timeline: null, error: 'This server keeps no history for this document.', unavailable: true, generation: 0, refresh: vi.fn() } });
    renderPanel(view, true);
    expect(screen.getByTestId('history-error').textContent).toMatch(/no history/);
    expect(screen.queryByTestId('name-version')).toBeNull();
  });
});
