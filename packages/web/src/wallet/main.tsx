/**
 * Entry point: renders the app and registers the service worker that caches the app shell
 * (sw.ts), so the wallet opens offline and can be installed.
 */
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

if ('serviceWorker' in navigator && window.isSecureContext) {
  // Scope: this directory (/wallet/). A failure only means no offline shell.
  navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' }).catch(() => undefined);
}
