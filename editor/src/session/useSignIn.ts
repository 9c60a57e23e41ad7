import { useEffect, useState } from 'react';
import { type SignInState, signInState } from '../lib/signIn';

/** The server's sign-in settings and who is signed in; null until known (one request per page load). */
export function useSignIn(): SignInState | null {
  const [state, setState] = useState<SignInState | null>(null);
  useEffect(() => {
    let live = true;
    void signInState().then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, []);
  return state;
}
