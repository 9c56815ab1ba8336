/**
 * The venue checker's entry point: renders the app and registers its service worker (sw.ts),
 * which keeps the app shell so the checker opens and checks with no network at all.
 */
import { render } from 'preact';
import { CheckerApp } from './app.tsx';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<CheckerApp />, root);
}

if ('serviceWorker' in navigator && window.isSecureContext) {
  // Scope: this directory (/venue/). A failure only means no offline shell.
  navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' }).catch(() => undefined);
}
