import { useEffect, useId, useState } from 'react';
import { COLOR_NAMES, type Identity, NAME_MAX, PALETTE } from '../../lib/identity';
import { useSignIn } from '../../session/useSignIn';
import { Icon } from '../Icon';

/** Your display name and caret colour. Saved as you type; shown to others immediately. */
export function IdentityEditor({ identity, onChange }: { identity: Identity; onChange: (patch: Partial<Identity>) => void }) {
  const nameId = useId();
  const [draft, setDraft] = useState(identity.name);
  // Signed in, the name is the identity provider's: shown, not editable.
  const signedIn = Boolean(useSignIn()?.me);
  // Another tab renamed you: follow it unless you are mid-edit with something different.
  useEffect(() => setDraft(identity.name), [identity.name]);

  return (
    <div className="identity">
      <label htmlFor={nameId} className="identity__label">
        Your name
      </label>
      <input
        id={nameId}
        className="input"
        value={draft}
        maxLength={NAME_MAX}
        autoComplete="nickname"
        readOnly={signedIn}
        title={signedIn ? 'Your name comes from your sign-in' : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value.trim()) onChange({ name: e.target.value });
        }}
        onBlur={() => setDraft(identity.name)}
        data-testid="identity-name"
      />
      <fieldset className="identity__colors">
        <legend className="identity__label">Your colour</legend>
        {PALETTE.map((color) => (
          <button
            key={color}
            type="button"
            className="swatch"
            style={{ backgroundColor: color }}
            onClick={() => onChange({ color })}
            aria-label={COLOR_NAMES[color] ?? color}
            aria-pressed={identity.color === color}
            data-testid="identity-color"
          >
            {identity.color === color && <Icon name="check" size={14} />}
          </button>
        ))}
      </fieldset>
    </div>
  );
}
