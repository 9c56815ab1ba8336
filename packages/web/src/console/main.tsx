/**
 * The operator console's entry point. No service worker: an operator's screen shows the
 * platform's state now, never a cached one.
 */
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
