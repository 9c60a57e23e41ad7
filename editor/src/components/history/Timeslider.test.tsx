import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PLAY_STEP_MS, Timeslider } from './Timeslider';
import { timelineOf } from './fixtures';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** The slider as the panel drives it: the shown point is state; `busy` stands for a preview still loading. */
function Harness({ count, busy = false, onShow }: { count: number; busy?: boolean; onShow?: (n: number) => void }) {
  const [n, setN] = useState<number | null>(null);
  return (
    <Timeslider
      timeline={timelineOf(count)}
      n={n}
      busy={busy}
      onChange={(next) => {
        onShow?.(next);
        setN(next);
      }}
    />
  );
}

describe('Timeslider', () => {
  it('is a labelled native range that rests on the latest change and names its author and time', () => {
    render(<Harness count={4} />);
    const range = screen.getByLabelText('Timeline') as HTMLInputElement;
    expect(range.type).toBe('range');
    expect(range.value).toBe('3');
    expect(range.getAttribute('aria-valuetext')).toMatch(/^Change 4 of 4: Bob, /);
    expect(screen.getByTestId('timeslider-now').textContent).toContain('Bob');
  });

  it('moving the range shows that point', () => {
    const shown: number[] = [];
    render(<Harness count={4} onShow={(n) => shown.push(n)} />);
    fireEvent.change(screen.getByLabelText('Timeline'), { target: { value: '1' } });
    expect(shown).toEqual([4]);
    expect(screen.getByTestId('timeslider-now').textContent).toContain('Bob');
  });

  it('plays from the first point to the last at a steady pace, then stops; pause stops it', () => {
    vi.useFakeTimers();
    const shown: number[] = [];
    render(<Harness count={4} onShow={(n) => shown.push(n)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Play the changes' }));
    expect(shown).toEqual([2]);
    act(() => vi.advanceTimersByTime(PLAY_STEP_MS - 1));
    expect(shown).toEqual([2]);
    act(() => vi.advanceTimersByTime(1));
    expect(shown).toEqual([2, 4]);
    act(() => vi.advanceTimersByTime(PLAY_STEP_MS));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => vi.advanceTimersByTime(PLAY_STEP_MS * 5));
    expect(shown).toEqual([2, 4, 6]);
    fireEvent.click(screen.getByRole('button', { name: 'Play the changes' }));
    act(() => vi.advanceTimersByTime(PLAY_STEP_MS * 5));
    expect(shown).toEqual([2, 4, 6, 8]);
    expect(screen.getByTestId('timeslider').dataset.playing).toBe('false');
  });

  it('waits for a point still loading before the next step', () => {
    vi.useFakeTimers();
    const shown: number[] = [];
    const { rerender } = render(<Harness count={3} onShow={(n) => shown.push(n)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Play the changes' }));
    rerender(<Harness count={3} busy onShow={(n) => shown.push(n)} />);
    act(() => vi.advanceTimersByTime(PLAY_STEP_MS * 3));
    expect(shown).toEqual([2]);
    rerender(<Harness count={3} onShow={(n) => shown.push(n)} />);
    act(() => vi.advanceTimersByTime(PLAY_STEP_MS));
    expect(shown).toEqual([2, 4]);
  });
});
