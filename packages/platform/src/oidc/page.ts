/**
 * The authorize page and the error page: server-rendered HTML, zh-CN with English, no external
 * assets. Everything shown is escaped (an RP's name and purpose are the RP's own text). The
 * Content-Security-Policy allows only this response's inline style and script (by nonce), data
 * images, and `fetch` to our own origin; no framing, no forms, no base URI.
 *
 * The page embeds the wallet reference (`data-ref`) and polls `authorize/status` every second;
 * when the person has answered, the status endpoint gives the redirect URL and the page goes
 * there. The QR code is the web wallet's URL for this request (a phone's camera opens it:
 * cross-device); the button opens the same page on this device.
 */
import type { FastifyReply } from 'fastify';
import type { RpCategory } from '@wangzheng/core/rp/types';
import type { DisclosureScope } from '@wangzheng/core/rp/types';
import { CATEGORY_LABELS, SCOPE_LABELS } from './scopes.ts';

export interface AuthorizeView {
  readonly rp: { readonly name: string; readonly category: string; readonly purpose: string };
  readonly modeName: { readonly zh: string; readonly en: string };
  readonly scopes: readonly { readonly scope: string; readonly legalBasisRef: string | null; readonly sensitive: boolean }[];
  readonly ref: string;
  readonly link: string;
  readonly qrSvg: string;
  readonly expiresAt: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#1d2129}
main{max-width:30rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.25rem;margin:.2rem 0 1rem}h1 small,.en{color:#6b7280;font-weight:400;font-size:.85em}
dl{margin:0 0 1rem}dt{color:#6b7280;font-size:.85rem;margin-top:.6rem}dd{margin:.1rem 0 0}
ul{margin:.2rem 0 0;padding-left:1.2rem}.sensitive{color:#b42318}
.qr{display:block;width:14rem;height:14rem;margin:1rem auto}
.qr svg{width:100%;height:100%}
a.button{display:block;text-align:center;background:#c8102e;color:#fff;text-decoration:none;padding:.8rem;border-radius:8px;margin:1rem 0}a.button .en{color:#fff}
#wz-state{text-align:center;color:#374151}footer{color:#4b5563;font-size:.75rem;text-align:center;margin-top:1rem}
`.trim();

/** `2026-12-02 07:56 (北京时间 UTC+8)`: the wallet shows times the same way. */
/** Built once: constructing an Intl.DateTimeFormat costs ~0.1–0.3 ms, as much as the rest of the page. */
const BEIJING = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function beijingTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(BEIJING.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']} (北京时间 UTC+8)`;
}

function bi(zh: string, en: string): string {
  return `${escapeHtml(zh)} <span class="en" lang="en">${escapeHtml(en)}</span>`;
}

function shell(title: string, body: string, nonce: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}
${script ? `<script nonce="${nonce}">${script}</script>` : ''}
</body>
</html>
`;
}

// Reads its inputs from data attributes only; navigates only to what our status endpoint says.
const POLL_SCRIPT = `
(function () {
  var root = document.getElementById('wz-authorize');
  var state = document.getElementById('wz-state');
  var ref = root.getAttribute('data-ref');
  var url = root.getAttribute('data-status') + '?ref=' + encodeURIComponent(ref);
  function say(zh, en) { state.textContent = zh + ' ' + en; }
  function poll() {
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (b) {
        if (b && typeof b.redirect === 'string') { say('正在返回…', 'Returning…'); window.location.replace(b.redirect); return; }
        if (b && b.status === 'pending') { setTimeout(poll, 1000); return; }
        if (b && b.status === 'done') { say('已完成，请返回原应用。', 'Done: return to the service.'); return; }
        say('此请求已失效，请返回原应用重试。', 'This request is no longer valid: go back and try again.');
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
})();
`.trim();

export function renderAuthorizePage(v: AuthorizeView, nonce: string, statusPath: string): string {
  const category = CATEGORY_LABELS[v.rp.category as RpCategory] ?? { zh: v.rp.category, en: v.rp.category };
  const fields = v.scopes
    .map((s) => {
      const label = SCOPE_LABELS[s.scope as DisclosureScope] ?? { zh: s.scope, en: s.scope };
      const basis = s.legalBasisRef ? ` — <span lang="zh-CN">依据 / legal basis: ${escapeHtml(s.legalBasisRef)}</span>` : '';
      return `<li${s.sensitive ? ' class="sensitive"' : ''}>${bi(label.zh, label.en)}${s.sensitive ? ' <strong>（敏感，需单独同意 / sensitive: separate consent）</strong>' : ''}${basis}</li>`;
    })
    .join('');
  const body = `<main id="wz-authorize" data-ref="${escapeHtml(v.ref)}" data-status="${escapeHtml(statusPath)}">
<h1>使用网络身份认证登录 <small lang="en">Sign in with your network identity</small></h1>
<dl>
<dt>${bi('请求方', 'Requested by')}</dt><dd><strong>${escapeHtml(v.rp.name)}</strong></dd>
<dt>${bi('类别', 'Category')}</dt><dd>${bi(category.zh, category.en)}</dd>
<dt>${bi('用途', 'Purpose')}</dt><dd>${escapeHtml(v.rp.purpose)}</dd>
<dt>${bi('认证方式', 'Authentication mode')}</dt><dd>${bi(v.modeName.zh, v.modeName.en)}</dd>
<dt>${bi('对方将获得', 'They will receive')}</dt><dd><ul>${fields}</ul></dd>
</dl>
<p>${bi('请用手机扫描二维码，在网证钱包中确认。', 'Scan the QR code with your phone and approve in your 网证 wallet.')}</p>
<div class="qr" role="img" aria-label="QR code">${v.qrSvg}</div>
<a class="button" href="${escapeHtml(v.link)}">${bi('在本机打开网证钱包', 'Open the wallet on this device')}</a>
<p id="wz-state" aria-live="polite">${bi('等待您在钱包中确认…', 'Waiting for your approval in the wallet…')}</p>
<footer>${bi('有效期至', 'Valid until')} <time datetime="${escapeHtml(v.expiresAt)}">${escapeHtml(beijingTime(v.expiresAt))}</time></footer>
</main>`;
  return shell('网络身份认证 · Network identity', body, nonce, POLL_SCRIPT);
}

export function renderErrorPage(error: string, description: string, nonce: string): string {
  const body = `<main>
<h1>无法完成登录 <small lang="en">Sign-in cannot continue</small></h1>
<p>${bi('请求有误，未返回原应用。请联系该服务的提供方。', 'The request is invalid, so you were not sent back to the service. Please contact its provider.')}</p>
<dl><dt>error</dt><dd><code id="wz-error">${escapeHtml(error)}</code></dd><dt>error_description</dt><dd lang="en">${escapeHtml(description)}</dd></dl>
</main>`;
  return shell('错误 · Error', body, nonce);
}

/** Headers for every HTML answer: strict CSP by nonce, no framing, no referrer, no caching. */
export function htmlHeaders(reply: FastifyReply, nonce: string): void {
  void reply
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}
