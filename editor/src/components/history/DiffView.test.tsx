import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DiffView } from './DiffView';
import { diffOf } from './fixtures';

afterEach(cleanup);

describe('DiffView', () => {
  it('draws insertions and deletions in their author’s colour, saying who and when on hover', () => {
    const at = Date.UTC(2025, 0, 2, 10, 5);
    render(
      <DiffView
        diff={diffOf({
          blocks: [
            {
              type: 'paragraph',
              path: [],
              change: 'same',
              segments: [
                { text: 'Kept ', change: 'same' },
                { text: 'new', change: 'insert', author: 0, at, marks: ['bold'] },
                { text: 'gone', change: 'delete', author: 1, at },
              ],
            },
          ],
        })}
      />,
    );
    const ins = screen.getByText('new').closest('ins') as HTMLElement;
    const del = screen.getByText('gone').closest('del') as HTMLElement;
    expect(ins.style.getPropertyValue('--author-color')).toBe('#2563eb');
    expect(ins.title).toMatch(/^Alice added this · /);
    expect(ins.querySelector('strong')?.textContent).toBe('new');
    expect(del.style.getPropertyValue('--author-color')).toBe('#db2777');
    expect(del.title).toMatch(/^Bob deleted this · /);
    expect(screen.getByTestId('preview-title').textContent).toBe('Plan');
  });

  it('renders headings, code, nested lists and whole added blocks', () => {
    render(
      <DiffView
        diff={diffOf({
          blocks: [
            { type: 'heading', level: 2, path: [], change: 'same', segments: [{ text: 'Steps', change: 'same' }] },
            { type: 'paragraph', path: ['orderedList', 'listItem'], change: 'same', segments: [{ text: 'first', change: 'same' }] },
            {
              type: 'paragraph',
              path: ['orderedList', 'listItem', 'bulletList', 'listItem'],
              change: 'insert',
              segments: [{ text: 'detail', change: 'insert', author: 1, at: 1 }],
            },
            { type: 'codeBlock', path: [], change: 'same', segments: [{ text: 'run()', change: 'same' }] },
            { type: 'paragraph', path: [], change: 'same', segments: [] },
          ],
        })}
      />,
    );
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Steps');
    const detail = screen.getByText('detail').closest('p') as HTMLElement;
    expect(detail.closest('ul')?.closest('li')?.closest('ol')).not.toBeNull();
    expect(detail.dataset.change).toBe('insert');
    expect(detail.style.getPropertyValue('--author-color')).toBe('#db2777');
    expect(screen.getByText('run()').closest('pre')).not.toBeNull();
    // An empty paragraph keeps its line.
    expect(screen.getByTestId('preview-body').lastElementChild?.innerHTML).toBe('<br>');
  });
});
