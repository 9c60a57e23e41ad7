import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from './Icon';

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No Clipboard API (plain http on a LAN address is not a secure context): select + execCommand.
    if (!input) return false;
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

interface Props {
  label: string;
  description: string;
  value: string;
  testId: string;
  copyTestId: string;
}

/** A read-only link with a one-click Copy button that confirms ("Copied") in place. */
export function CopyField({ label, description, value, testId, copyTestId }: Props) {
  const inputId = useId();
  const descId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <div className="copy-field">
      <label htmlFor={inputId} className="copy-field__label">
        {label}
      </label>
      <p id={descId} className="copy-field__desc">
        {description}
      </p>
      <div className="copy-field__row">
        <input
          ref={inputRef}
          id={inputId}
          className="input input--mono"
          readOnly
          value={value}
          aria-describedby={descId}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={testId}
        />
        <button
          type="button"
          className={`btn ${copied === 'yes' ? 'btn--done' : ''}`}
          onClick={() => void copyText(value, inputRef.current).then((ok) => setCopied(ok ? 'yes' : 'failed'))}
          data-testid={copyTestId}
          aria-label={`Copy ${label.toLowerCase()}`}
        >
          <Icon name={copied === 'yes' ? 'check' : 'copy'} size={16} />
          <span aria-live="polite">{copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Press Ctrl+C' : 'Copy'}</span>
        </button>
      </div>
    </div>
  );
}
