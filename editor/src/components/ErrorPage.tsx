import { type ReactNode, useEffect } from 'react';
import type { Problem } from '../lib/errors';
import { Icon, Logo } from './Icon';
import { Link } from './Link';

interface Props {
  problem: Problem;
  /** Shown as the primary action when the problem is retryable. */
  onRetry?: () => void;
  /** Extra actions (e.g. "Open the copy on this device"). */
  children?: ReactNode;
}

/** A full page that says what went wrong and what to do; never a blank page or an endless spinner. */
export function ErrorPage({ problem, onRetry, children }: Props) {
  useEffect(() => {
    document.title = `${problem.title} · Tandem`;
  }, [problem.title]);

  return (
    <main className="message-page" data-testid="error-page" data-problem={problem.kind}>
      <Link className="message-page__brand" href="/" aria-label="Tandem home">
        <Logo size={28} />
        <span>Tandem</span>
      </Link>
      <div className="message-card" role="alert">
        <div className="message-card__icon" aria-hidden="true">
          <Icon name={problem.kind === 'server-down' ? 'cloudOff' : 'alert'} size={26} />
        </div>
        <h1>{problem.title}</h1>
        <p>{problem.message}</p>
        <div className="message-card__actions">
          {problem.retryable && onRetry && (
            <button type="button" className="btn btn--primary" onClick={onRetry} data-testid="retry">
              Try again
            </button>
          )}
          {children}
          <Link className="btn" href="/">
            Go to your documents
          </Link>
        </div>
      </div>
    </main>
  );
}
