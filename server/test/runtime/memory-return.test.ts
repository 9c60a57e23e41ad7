import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { MemoryReturn } from '../../src/runtime/memory-return.js';

/** A registry stand-in: counts open documents and reports them as they load and unload. */
function setup() {
  const collect = vi.fn();
  let open = 0;
  const memory = new MemoryReturn(createLogger('silent'), { roomIdleMs: 2_000, isEmpty: () => open === 0, collect });
  return {
    collect,
    memory,
    load() {
      memory.loaded(++open);
    },
    unload() {
      memory.unloaded(--open);
    },
    get open() {
      return open;
    },
  };
}

describe('MemoryReturn: full collections when documents close', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once the server has stayed empty for a second — nobody to pause', () => {
    const s = setup();
    s.load();
    s.load();
    s.unload();
    vi.advanceTimersByTime(5_000);
    expect(s.collect).not.toHaveBeenCalled();
    s.unload();
    vi.advanceTimersByTime(900);
    // A document opening meanwhile cancels it.
    s.load();
    vi.advanceTimersByTime(5_000);
    expect(s.collect).not.toHaveBeenCalled();
    s.unload();
    vi.advanceTimersByTime(1_000);
    expect(s.collect).toHaveBeenCalledTimes(1);
    // Emptying again at once does not collect again within the interval.
    s.load();
    s.unload();
    vi.advanceTimersByTime(1_000);
    expect(s.collect).toHaveBeenCalledTimes(1);
    s.memory.stop();
  });

  it('collects once more when the server has stayed empty three seconds longer — unless a document opened', () => {
    const s = setup();
    s.load();
    s.unload();
    vi.advanceTimersByTime(1_000);
    expect(s.collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2_900);
    expect(s.collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    expect(s.collect).toHaveBeenCalledTimes(2);
    // Only one follow-up per emptying.
    vi.advanceTimersByTime(60_000);
    expect(s.collect).toHaveBeenCalledTimes(2);
    // Emptied again later: the same pair, but a document open when the second is due skips it.
    s.load();
    s.unload();
    vi.advanceTimersByTime(1_000);
    expect(s.collect).toHaveBeenCalledTimes(3);
    s.load();
    vi.advanceTimersByTime(10_000);
    expect(s.collect).toHaveBeenCalledTimes(3);
    s.memory.stop();
  });

  it('on a server never empty: collects once after a wave of unloads, when it is over', () => {
    const s = setup();
    for (let i = 0; i < 5; i++) s.load(); // five long-lived documents stay open throughout
    for (let i = 0; i < 1000; i++) {
      s.load();
      if (s.open > 25) s.unload();
      vi.advanceTimersByTime(10);
    }
    while (s.open > 5) {
      s.unload();
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(2_900);
    expect(s.collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(s.collect).toHaveBeenCalledTimes(1);
    s.memory.stop();
  });

  it('does nothing while most documents are still open', () => {
    const s = setup();
    for (let i = 0; i < 400; i++) s.load();
    for (let i = 0; i < 150; i++) s.unload();
    vi.advanceTimersByTime(10_000);
    expect(s.collect).not.toHaveBeenCalled();
    s.memory.stop();
  });
});
