import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { type Participant, derivePresence } from '../lib/presence';

/** Everyone in the document right now (you first), re-derived whenever awareness changes. */
export function usePresence(awareness: Awareness | null): Participant[] {
  const [people, setPeople] = useState<Participant[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const update = () => setPeople(derivePresence(awareness.getStates(), awareness.clientID));
    update();
    // 'change' (not 'update'): fires when someone joins, leaves or edits their state, not on heartbeats.
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness]);
  return people;
}
