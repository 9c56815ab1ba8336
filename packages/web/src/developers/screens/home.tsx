/** 概览 — what the portal offers, each part one link away, and how it keeps a secret. */
import type { JSX } from 'preact';
import { useI18n } from '../../shared/i18n/index.ts';
import { Heading } from '../ui.tsx';

export function Home(): JSX.Element {
  const { t } = useI18n();
  const d = t.developers;
  const parts = [
    { href: '#/apply', title: d.nav.apply, body: d.home.applyBody },
    { href: '#/sandbox', title: d.nav.sandbox, body: d.home.sandboxBody },
    { href: '#/integration', title: d.nav.integration, body: d.home.integrationBody },
    { href: '#/snippets', title: d.nav.snippets, body: d.home.snippetsBody },
  ];
  return (
    <main id="main" tabIndex={-1}>
      <Heading>{d.home.title}</Heading>
      <p class="lead">{d.home.intro}</p>
      <ul class="parts">
        {parts.map((p) => (
          <li key={p.href} class="card">
            <h2>
              <a href={p.href}>{p.title}</a>
            </h2>
            <p>{p.body}</p>
          </li>
        ))}
      </ul>
      <div class="message info">
        <p>{d.home.security}</p>
      </div>
    </main>
  );
}
