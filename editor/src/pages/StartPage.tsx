import { useEffect, useState } from 'react';
import { Logo } from '../components/Icon';
import { NewDocButton } from '../components/start/NewDocButton';
import { OpenLinkForm } from '../components/start/OpenLinkForm';
import { RecentList } from '../components/start/RecentList';
import { clearStartNotice, peekStartNotice } from '../lib/forgetDoc';
import { type RecentDoc, RECENT_KEY, browserStore, loadRecent, removeRecent } from '../lib/recentDocs';

/** `/`: start a document or get back to one you opened before. */
export default function StartPage() {
  const [recent, setRecent] = useState<RecentDoc[]>(() => loadRecent(browserStore()));
  // E.g. "“Plans” was deleted.", left by the page we came from.
  const [notice] = useState(peekStartNotice);
  useEffect(clearStartNotice, []);

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
    <div className="start">
      <header className="start__header">
        <span className="brand">
          <Logo size={28} />
          <span className="brand__name">Tandem</span>
        </span>
      </header>
      <main className="start__main">
        <section className="start__hero" aria-labelledby="start-heading">
          <h1 id="start-heading">Write together, in real time.</h1>
          <p className="start__lede">
            Start a document, share the link, and see each other type. Everything stays on your own server.
          </p>
          <NewDocButton />
          <OpenLinkForm />
        </section>
        {notice && (
          <div className="toast" role="status" data-testid="start-notice">
            {notice}
          </div>
        )}
        <RecentList docs={recent} onRemove={(id) => setRecent(removeRecent(browserStore(), id))} />
      </main>
    </div>
  );
}
