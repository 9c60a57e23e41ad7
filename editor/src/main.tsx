import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { prefetchCurrentDoc } from './session/prefetch';
import './styles/base.css';

// Ask the server about the document while the editor code is still downloading.
prefetchCurrentDoc(window.location);

const root = document.getElementById('root');
if (!root) throw new Error('Tandem: #root element missing from index.html');

// The offline shell (public/sw.js): a document opened before opens again with no network.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
