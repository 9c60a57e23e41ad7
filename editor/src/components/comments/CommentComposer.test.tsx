import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommentComposer } from './CommentComposer';

afterEach(cleanup);

/** Types into the field as a person would: value and caret together. */
function typeInto(field: HTMLTextAreaElement, text: string) {
  const value = field.value + text;
  fireEvent.change(field, { target: { value, selectionStart: value.length, selectionEnd: value.length } });
}

function renderComposer(over: Partial<Parameters<typeof CommentComposer>[0]> = {}) {
  const onSubmit = vi.fn();
  const onCancel = vi.fn();
  render(
    <CommentComposer
      label="Reply"
      placeholder="Reply…"
      submitLabel="Reply"
      names={['Carol', 'Calm Otter', 'Bob']}
      onSubmit={onSubmit}
      onCancel={onCancel}
      testId="reply-input"
      {...over}
    />,
  );
  return { field: screen.getByTestId('reply-input') as HTMLTextAreaElement, onSubmit, onCancel };
}

describe('CommentComposer', () => {
  it('suggests people after @, picks with the arrows and Enter, and tells assistive technology which one', () => {
    const { field } = renderComposer();
    typeInto(field, 'Ask @Ca');
    const options = screen.getAllByTestId('mention-option');
    expect(options.map((o) => o.textContent)).toEqual(['@Calm Otter', '@Carol']);
    expect(field.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
    expect(screen.getByRole('status').textContent).toMatch(/2 people to mention/);

    fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(field.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(field.value).toBe('Ask @Carol ');
    expect(screen.queryByTestId('mention-list')).toBeNull();
  });

  it('Escape closes the suggestions first, then cancels; Ctrl+Enter posts the trimmed text and empties the box', () => {
    const { field, onSubmit, onCancel } = renderComposer();
    typeInto(field, '@B');
    fireEvent.keyDown(field, { key: 'Escape' });
    expect(screen.queryByTestId('mention-list')).toBeNull();
    expect(onCancel).not.toHaveBeenCalled();
    fireEvent.keyDown(field, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);

    typeInto(field, 'ob, look  ');
    fireEvent.keyDown(field, { key: 'Enter', ctrlKey: true });
    expect(onSubmit).toHaveBeenCalledWith('@Bob, look');
    expect(field.value).toBe('');
  });

  it('posts nothing blank; a click on a name inserts it', () => {
    const { field, onSubmit } = renderComposer();
    expect((screen.getByTestId('reply-input-submit') as HTMLButtonElement).disabled).toBe(true);
    typeInto(field, '   ');
    fireEvent.keyDown(field, { key: 'Enter', metaKey: true });
    expect(onSubmit).not.toHaveBeenCalled();
    typeInto(field, '@');
    fireEvent.click(screen.getAllByTestId('mention-option').find((o) => o.textContent === '@Bob')!);
    expect(field.value).toBe('   @Bob ');
  });
});
