import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecentDoc } from '../../lib/recentDocs';
import { RecentList } from './RecentList';

afterEach(cleanup);

const docs: RecentDoc[] = [
  { id: 'aaaaaaaaaa', title: 'Launch plan', token: 'E', scope: 'edit', lastOpened: Date.now() - 60_000 },
  { id: 'bbbbbbbbbb', title: '', token: 'V', scope: 'view', lastOpened: Date.now() - 3 * 86400_000 },
  { id: 'cccccccccc', title: 'Review me', token: 'C', scope: 'comment', lastOpened: Date.now() - 5 * 86400_000 },
];

describe('RecentList', () => {
  it('shows an empty state', () => {
    render(<RecentList docs={[]} onRemove={() => {}} />);
    expect(screen.getByTestId('recent-empty')).toBeTruthy();
  });

  it('lists documents with title, access and a link that carries the token', () => {
    render(<RecentList docs={docs} onRemove={() => {}} />);
    const items = screen.getAllByTestId('recent-item');
    expect(items).toHaveLength(3);
    expect(items[0]?.textContent).toContain('Launch plan');
    expect(items[0]?.textContent).toContain('Can edit');
    expect(items[1]?.textContent).toContain('Untitled');
    expect(items[1]?.textContent).toContain('View only');
    expect(items[2]?.textContent).toContain('Can comment');
    expect(screen.getByRole('link', { name: /Launch plan/ }).getAttribute('href')).toBe('/d/aaaaaaaaaa#token=E');
  });

  it('removes an entry with its labelled button', () => {
    const onRemove = vi.fn();
    render(<RecentList docs={docs} onRemove={onRemove} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove “Launch plan” from this list' }));
    expect(onRemove).toHaveBeenCalledWith('aaaaaaaaaa');
  });
});
