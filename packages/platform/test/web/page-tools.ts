/**
 * What every web wallet page test needs: screenshots into `__screenshots__/` (git-ignored) for
 * a person to look at; an axe-core scan that fails on serious and critical violations; and a
 * guard that records every request the browser makes — pages and the service worker alike —
 * and refuses any that leaves the platform's origin.
 *
 * axe is evaluated through the DevTools protocol (`page.evaluate` of its source), which the
 * page's Content-Security-Policy does not govern, so the page keeps its real CSP throughout
 * (no `bypassCSP`): whatever the scan sees is what a person gets.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

export const SHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Serious and critical WCAG 2.x A/AA violations on the page as it is now (none expected). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(`${AXE}\n;void 0`);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Records every request of the context; anything not on `origin` is aborted and remembered —
 * except, when given, a relying party's redirect URI (`serviceReturn`): the end of an OpenID
 * Connect login, where the browser is meant to go back to the service. That navigation is
 * answered here (nothing leaves the machine) and kept apart in `returned`.
 */
export async function guardOrigin(context: BrowserContext, origin: string, opts: { serviceReturn?: RegExp } = {}): Promise<{ requests: string[]; foreign: string[]; returned: string[] }> {
  const requests: string[] = [];
  const foreign: string[] = [];
  const returned: string[] = [];
  const ours = (url: string): boolean => url === origin || url.startsWith(`${origin}/`);
  const back = (url: string): boolean => opts.serviceReturn?.test(url) ?? false;
  context.on('request', (r) => {
    const url = r.url();
    if (back(url)) return;
    requests.push(url);
    if (!ours(url) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (ours(url)) return route.continue();
    if (back(url)) {
      returned.push(url);
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'relying party callback' });
    }
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  return { requests, foreign, returned };
}

/** CSP violations and script errors the page reported. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}
