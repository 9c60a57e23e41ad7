import type { SignInState } from '../../lib/signIn';
import { signInHref, signOut } from '../../lib/signIn';

/** Sign in / the signed-in person's name and Sign out, when the server offers sign-in. */
export function AccountBar({ state }: { state: SignInState | null }) {
  if (!state?.config.signIn) return null;
  const { me } = state;
  if (!me) {
    return (
      <a className="btn" href={signInHref('/')} data-testid="sign-in">
        Sign in
      </a>
    );
  }
  return (
    <span className="account" data-testid="account">
      {me.picture && <img className="account__avatar" src={me.picture} alt="" width={24} height={24} referrerPolicy="no-referrer" />}
      <span className="account__name" data-testid="account-name">
        {me.name}
      </span>
      <button
        type="button"
        className="btn"
        onClick={() => void signOut().then(() => location.reload())}
        data-testid="sign-out"
      >
        Sign out
      </button>
    </span>
  );
}
