import { useEffect, useState } from 'react';

/**
 * Shown while a route's code or a document's metadata loads. Renders nothing for the first 300 ms:
 * on a fast connection a flash of "Loading…" feels slower than a blank frame.
 */
export function PageLoading({ label = 'Loading…' }: { label?: string }) {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setVisible(true), 300);
    return () => clearTimeout(timer);
  }, []);
  return (
    <div className="page-loading" role="status" aria-live="polite" data-testid="page-loading">
      {visible && (
        <>
          <span className="spinner" aria-hidden="true" />
          <span>{label}</span>
        </>
      )}
    </div>
  );
}
