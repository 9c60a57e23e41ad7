import { Suspense, lazy } from 'react';
import { useRoute } from './lib/router';
import { ErrorPage } from './components/ErrorPage';
import { PageLoading } from './components/PageLoading';
import { problem } from './lib/errors';

// Each route is its own chunk: the start page never downloads the editor (Tiptap, ProseMirror, Yjs),
// and the document page never downloads the start page.
const StartPage = lazy(() => import('./pages/StartPage'));
const DocumentPage = lazy(() => import('./pages/DocumentPage'));

export function App() {
  const route = useRoute();
  return (
    <Suspense fallback={<PageLoading />}>
      {route.kind === 'start' && <StartPage />}
      {/* Keyed by id: opening another document must start a fresh session, not reuse this one. */}
      {route.kind === 'doc' && <DocumentPage key={route.id} id={route.id} hashToken={route.token} />}
      {route.kind === 'not-found' && <ErrorPage problem={problem('not-found')} />}
    </Suspense>
  );
}
