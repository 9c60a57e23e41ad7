import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TitleField } from './TitleField';

afterEach(cleanup);

const titleText = (title: string) => {
  const doc = new Y.Doc();
  doc.getText('title').insert(0, title);
  return doc.getText('title');
};

describe('TitleField', () => {
  it('gives editors a field bound to the title text, following remote changes', () => {
    const text = titleText('Meeting notes');
    render(<TitleField text={text} title="Meeting notes" editable onEnter={() => undefined} />);
    const field = screen.getByTestId('title') as HTMLTextAreaElement;
    expect(field.tagName).toBe('TEXTAREA');
    expect(field.value).toBe('Meeting notes');
    text.insert(0, 'Draft: ');
    expect(field.value).toBe('Draft: Meeting notes');
    field.value = 'Draft: Meeting notes!';
    field.setSelectionRange(21, 21);
    field.dispatchEvent(new Event('input'));
    expect(text.toString()).toBe('Draft: Meeting notes!');
  });

  it('gives viewers a heading they cannot edit', () => {
    const text = titleText('Meeting notes');
    render(<TitleField text={text} title="Meeting notes" editable={false} onEnter={() => undefined} />);
    const heading = screen.getByTestId('title');
    expect(heading.tagName).toBe('H1');
    expect(heading.textContent).toBe('Meeting notes');
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('before the document syncs, hints at the title the server named', () => {
    render(<TitleField text={new Y.Doc().getText('title')} title="From the server" editable onEnter={() => undefined} />);
    const field = screen.getByTestId('title') as HTMLTextAreaElement;
    expect(field.value).toBe('');
    expect(field.placeholder).toBe('From the server');
  });
});
