import { useCallback, useEffect, useState } from 'react';
import { type Identity, IDENTITY_KEY, cleanName, isHexColor, loadIdentity, saveIdentity } from '../lib/identity';
import { browserStore } from '../lib/recentDocs';

/** Your name and colour, remembered in this browser and kept in step across tabs. */
export function useIdentity(): [Identity, (next: Partial<Identity>) => void] {
  const [identity, setIdentity] = useState<Identity>(() => loadIdentity(browserStore()));

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
