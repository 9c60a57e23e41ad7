import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenLinkForm } from './OpenLinkForm';

afterEach(cleanup);

describe('OpenLinkForm', () => {
  it('opens a pasted document link in place', () => {
    render(<OpenLinkForm />);
    fireEvent.change(screen.getByTestId('open-link-input'), {
      target: { value: 'https://docs.example.org/d/ctyUzoinpfRpPnSrsg5LLw#token=abc' },
    });
    fireEvent.submit(screen.getByTestId('open-link-input').closest('form') as HTMLFormElement);
    expect(window.location.pathname).toBe('/d/ctyUzoinpfRpPnSrsg5LLw');
    expect(window.location.hash).toBe('#token=abc');
  });

  it('explains what is wrong with a bad link', () => {
    render(<OpenLinkForm />);
    const input = screen.getByTestId('open-link-input');
    fireEvent.change(input, { target: { value: 'not a link' } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    expect(screen.getByRole('alert').textContent).toMatch(/doesn’t look like a Tandem document link/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(input, { target: { value: 'https://x.org/d/ctyUzoinpfRpPnSrsg5LLw' } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    expect(screen.getByRole('alert').textContent).toMatch(/missing its access key/);
  });
});
