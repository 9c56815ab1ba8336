/**
 * The developer portal's entry point. No service worker: the portal shows the platform's state
 * now, and a cached page would be no use offline (every action needs the platform).
 */
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
