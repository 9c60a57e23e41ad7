import { useCallback, useEffect, useMemo, useState } from 'react';
import { type Identity, IDENTITY_KEY, cleanName, isHexColor, loadIdentity, saveIdentity } from '../lib/identity';
import { browserStore } from '../lib/recentDocs';
import { useSignIn } from './useSignIn';

/**
 * Your name and colour, remembered in this browser and kept in step across tabs. Signed in, the name is the
 * one your identity provider gives (the server stamps it anyway: server/SPEC.md §ID1); the colour stays yours.
 */
export function useIdentity(): [Identity, (next: Partial<Identity>) => void] {
  const [stored, setIdentity] = useState<Identity>(() => loadIdentity(browserStore()));
  const signedInName = useSignIn()?.me?.name;
  const identity = useMemo(() => (signedInName ? { ...stored, name: signedInName } : stored), [stored, signedInName]);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === IDENTITY_KEY) setIdentity(loadIdentity(browserStore()));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const update = useCallback((patch: Partial<Identity>) => {
    setIdentity((current) => {
      const name = patch.name === undefined ? current.name : cleanName(patch.name);
      const next: Identity = {
        // An emptied name field keeps the old name rather than publishing a blank caret label.
        name: name || current.name,
        color: patch.color && isHexColor(patch.color) ? patch.color : current.color,
      };
      saveIdentity(browserStore(), next);
      return next;
    });
  }, []);

  return [identity, update];
}
