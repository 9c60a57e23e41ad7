import { useSyncExternalStore } from 'react';

/** The width at which side panels become bottom sheets (the CSS uses the same breakpoint). */
export const NARROW_QUERY = '(max-width: 720px)';

const query = () => (typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(NARROW_QUERY) : null);

function subscribe(listener: () => void): () => void {
  const q = query();
  q?.addEventListener('change', listener);
  return () => q?.removeEventListener('change', listener);
}

/** Whether the window is phone-narrow right now (re-renders when that changes). */
export function useNarrowScreen(): boolean {
  return useSyncExternalStore(subscribe, () => query()?.matches ?? false, () => false);
}

/** The same, read once (for initial state). */
export function isNarrowScreen(): boolean {
  return query()?.matches ?? false;
}
