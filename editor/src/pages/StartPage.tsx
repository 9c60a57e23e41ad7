import { useEffect, useState } from 'react';
import { Logo } from '../components/Icon';
import { ImportButton, useImport } from '../components/start/ImportButton';
import { NewDocButton } from '../components/start/NewDocButton';
import { OpenLinkForm } from '../components/start/OpenLinkForm';
import { RecentList } from '../components/start/RecentList';
import { type RecentDoc, RECENT_KEY, browserStore, loadRecent, removeRecent } from '../lib/recentDocs';

/** `/`: start a document or get back to one you opened before. */
export default function StartPage() {
  const [recent, setRecent] = useState<RecentDoc[]>(() => loadRecent(browserStore()));
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
      </header>
      <main className="start__main">
        <section className="start__hero" aria-labelledby="start-heading">
          <h1 id="start-heading">Write together, in real time.</h1>
          <p className="start__lede">
            Start a document, share the link, and see each other type. Everything stays on your own server.
          </p>
          <div className="start__actions">
            <NewDocButton />
            <ImportButton importer={importer} />
          </div>
          <OpenLinkForm />
        </section>
        <RecentList docs={recent} onRemove={(id) => setRecent(removeRecent(browserStore(), id))} />
      </main>
    </div>
  );
}
