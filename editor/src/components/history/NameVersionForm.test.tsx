import { MAX_VERSION_NAME_LENGTH } from '@tandem/common/api';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NameVersionForm, VERSION_NAME_MAX } from './NameVersionForm';

afterEach(cleanup);

describe('NameVersionForm', () => {
  it('caps names where the server does', () => {
    expect(VERSION_NAME_MAX).toBe(MAX_VERSION_NAME_LENGTH);
  });

  it('keeps the form open with the reason when naming fails', async () => {
    const onName = vi.fn(async () => 'Couldn’t name this version. Try again.');
    render(<NameVersionForm onName={onName} />);
    fireEvent.click(screen.getByRole('button', { name: 'Name current version' }));
    const input = screen.getByLabelText('Name for the current version');
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'Final' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Try again/);
    expect(screen.getByLabelText('Name for the current version')).toBeTruthy();
  });

  it('Escape puts the form away', () => {
    render(<NameVersionForm onName={vi.fn(async () => null)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Name current version' }));
    fireEvent.keyDown(screen.getByLabelText('Name for the current version'), { key: 'Escape' });
    expect(screen.getByRole('button', { name: 'Name current version' })).toBeTruthy();
  });
});
