import { type RefObject, useCallback, useEffect, useState } from 'react';

export interface ScrollEdges {
  /** There is more to see before the start (left). */
  start: boolean;
  /** There is more to see past the end (right). */
  end: boolean;
}

/** Below one pixel the bar counts as fully scrolled: zoom levels leave fractional offsets. */
const SLACK = 1;

/**
 * Which ends of a horizontally scrolling element hide content, kept current as it scrolls, resizes or its
 * content changes; and `page(direction)` scrolls it by most of its visible width.
 */
export function useScrollEdges(ref: RefObject<HTMLElement | null>): ScrollEdges & { page: (direction: -1 | 1) => void } {
  const [edges, setEdges] = useState<ScrollEdges>({ start: false, end: false });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const start = el.scrollLeft > SLACK;
      const end = el.scrollLeft + el.clientWidth < el.scrollWidth - SLACK;
      setEdges((old) => (old.start === start && old.end === end ? old : { start, end }));
    };
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    for (const child of Array.from(el.children)) resize.observe(child);
    return () => {
      el.removeEventListener('scroll', measure);
      resize.disconnect();
    };
  }, [ref]);

  const page = useCallback(
    (direction: -1 | 1) => {
      const el = ref.current;
      if (el) el.scrollBy({ left: direction * Math.max(80, el.clientWidth * 0.7), behavior: 'smooth' });
    },
    [ref],
  );

  return { ...edges, page };
}
