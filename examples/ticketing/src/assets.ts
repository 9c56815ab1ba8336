/** The site's one style sheet and one script, served from its own origin (the CSP allows nothing else). */

export const STYLE = `
:root { --brand: #a4262c; --ink: #1b1b1f; --muted: #4a4a55; --line: #d6d6de; --bg: #f6f6f8; --ok: #1d6b3a; --warn: #7a4b00; --bad: #a4262c; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; color: var(--ink); background: var(--bg); }
.en { color: var(--muted); font-size: .9em; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .75rem 1.25rem; background: var(--brand); color: #fff; }
.top a, .top .en, .top button.link { color: #fff; }
.brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; }
.tag { font-size: .85rem; }
.top .tag .en { color: #fff; }
nav { margin-left: auto; }
nav ul { display: flex; gap: 1rem; align-items: center; list-style: none; margin: 0; padding: 0; }
nav form { margin: 0; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
footer { max-width: 56rem; margin: 0 auto; padding: 0 1.25rem 2rem; color: var(--muted); font-size: .85rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
.lead { font-size: 1.05rem; }
.meta { color: var(--muted); font-size: .9rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.events { list-style: none; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
.price { font-size: 1.2rem; font-weight: 700; }
.two { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: .5rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
code.sub { font-size: 1.05rem; letter-spacing: .03em; }
.btn, button { display: inline-block; font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 2px solid var(--brand); background: var(--brand); color: #fff; text-decoration: none; cursor: pointer; }
.btn .en, button .en { color: inherit; }
button.secondary { background: #fff; color: var(--brand); }
.top .btn { background: #fff; color: var(--brand); border-color: #fff; }
.top .btn .en { color: var(--brand); }
button.link { background: none; border: 0; padding: 0; text-decoration: underline; }
a:focus-visible, button:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
.notice { border-left: 4px solid #1a5fb4; background: #eef3fb; padding: .75rem 1rem; margin: 0 0 1rem; border-radius: 4px; }
.qr svg { width: 11rem; height: 11rem; background: #fff; padding: .25rem; border-radius: 4px; }
.notice.ok { border-color: var(--ok); background: #eaf5ee; }
.notice.warn { border-color: var(--warn); background: #fdf3e1; }
.notice.bad { border-color: var(--bad); background: #fbecec; }
.notice p { margin: .25rem 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .9rem; font-weight: 600; color: #fff; }
.badge .en { color: #fff; }
.badge.ok { background: var(--ok); }
.badge.warn { background: var(--warn); }
.badge.bad { background: var(--bad); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; color: var(--ink); padding: .5rem; z-index: 1; }
`;

/**
 * While a page waits for something the person does elsewhere (approving in the wallet) or the
 * platform tells us (a ban), it asks /state for its token and reloads when the token changes.
 */
export const SCRIPT = `
const wait = document.body.dataset.wait;
if (wait) {
  setInterval(async () => {
    try {
      const r = await fetch('/state', { cache: 'no-store', credentials: 'same-origin' });
      if (r.ok && (await r.text()) !== wait) location.reload();
    } catch {}
  }, 1000);
}
`;
