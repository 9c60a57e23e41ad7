import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AwarenessUser } from '../lib/presence';
import { CollabSession, type SessionSnapshot } from './collabSession';

interface Options {
  id: string;
  token: string;
  user: AwarenessUser;
  /** See SessionOptions.localCopy. */
  localCopy: boolean;
  onTerminalClose: (code: number, session: CollabSession) => void;
  onConnectionTrouble: () => void;
}

/**
 * Owns one CollabSession for the lifetime of the component (per document id). The latest callbacks and
 * user are read through a ref so changing them never tears down the connection.
 */
export function useCollabSession(options: Options): CollabSession | null {
  const latest = useRef(options);
  latest.current = options;
  const [session, setSession] = useState<CollabSession | null>(null);

  useEffect(() => {
    const { id, token, user, localCopy } = latest.current;
    const created: CollabSession = new CollabSession({
      id,
      token,
      user,
      localCopy,
      onTerminalClose: (code) => latest.current.onTerminalClose(code, created),
      onConnectionTrouble: () => latest.current.onConnectionTrouble(),
    });
    setSession(created);
    return () => {
      created.destroy();
      setSession(null);
    };
  }, [options.id]);

  return session;
}

const OFFLINE: SessionSnapshot = { connection: { kind: 'connecting', failures: 0 }, save: 'offline', ready: false };
const noop = () => () => undefined;

export function useSessionState(session: CollabSession | null): SessionSnapshot {
  return useSyncExternalStore(session ? session.subscribe : noop, session ? session.getSnapshot : () => OFFLINE);
}
