import { useEffect, useState } from 'react';
import { Logo } from '../components/Icon';
import { ImportButton, useImport } from '../components/start/ImportButton';
import { NewDocButton } from '../components/start/NewDocButton';
import { OpenLinkForm } from '../components/start/OpenLinkForm';
import { RecentList } from '../components/start/RecentList';
import { clearStartNotice, peekStartNotice } from '../lib/forgetDoc';
import { AccountBar } from '../components/start/AccountBar';
import { MyDocuments } from '../components/start/MyDocuments';
import { useSignIn } from '../session/useSignIn';
import { type SignInState, signInHref } from '../lib/signIn';
import '../styles/account.css';
import { type RecentDoc, RECENT_KEY, browserStore, loadRecent, removeRecent } from '../lib/recentDocs';

/** Whether this page may offer "New document" (server/SPEC.md §ID4); unknown yet counts as yes. */
function mayCreate(state: SignInState | null): boolean {
  if (!state) return true;
  const mode = state.config.createDocs;
  return mode === 'anyone' || (mode === 'signed-in' && state.me !== null);
}

/** `/`: start a document or get back to one you opened before. */
export default function StartPage() {
  const [recent, setRecent] = useState<RecentDoc[]>(() => loadRecent(browserStore()));
  // E.g. "“Plans” was deleted.", left by the page we came from.
  const [notice] = useState(peekStartNotice);
  useEffect(clearStartNotice, []);
  const signIn = useSignIn();
  const importer = useImport();
  const [dropping, setDropping] = useState(false);

  useEffect(() => {
    document.title = 'Tandem';
    // Another tab opened or renamed a document: keep this list current without a reload.
    const onStorage = (event: StorageEvent) => {
      if (event.key === RECENT_KEY || event.key === null) setRecent(loadRecent(browserStore()));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  return (
    <div
      className="start"
      data-dropping={dropping || undefined}
      data-testid="start-page"
      // A file dropped anywhere on the page is imported as a new document.
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={(event) => {
        if (event.relatedTarget === null || !event.currentTarget.contains(event.relatedTarget as Node)) setDropping(false);
      }}
      onDrop={(event) => {
        const file = event.dataTransfer.files[0];
        if (!file) return;
        event.preventDefault();
        setDropping(false);
        void importer.importFile(file);
      }}
    >
      <header className="start__header">
        <span className="brand">
          <Logo size={28} />
          <span className="brand__name">Tandem</span>
        </span>
        <AccountBar state={signIn} />
      </header>
      <main className="start__main">
        <section className="start__hero" aria-labelledby="start-heading">
          <h1 id="start-heading">Write together, in real time.</h1>
          <p className="start__lede">
            Start a document, share the link, and see each other type. Everything stays on your own server.
          </p>
          <div className="start__actions">
            {mayCreate(signIn) ? (
              <>
                <NewDocButton />
                <ImportButton importer={importer} />
              </>
            ) : signIn?.config.createDocs === 'signed-in' ? (
              <a className="btn btn--primary btn--large" href={signInHref('/')} data-testid="sign-in-to-create">
                Sign in to create a document
              </a>
            ) : null}
          </div>
          <OpenLinkForm />
        </section>
        {notice && (
          <div className="toast" role="status" data-testid="start-notice">
            {notice}
          </div>
        )}
        {signIn?.me && <MyDocuments />}
        <RecentList docs={recent} onRemove={(id) => setRecent(removeRecent(browserStore(), id))} />
      </main>
    </div>
  );
}
