/**
 * The site's pages: server-rendered HTML, Chinese first with the English beside it, no inline
 * script or style (the CSP allows only /app.js and /style.css). Every value is escaped (html.ts).
 */
import { Html, html } from './html.ts';
import type { Account, Check, Notice, Order, Session } from './store.ts';

export interface Event {
  id: string;
  zh: string;
  en: string;
  when: string;
  venue: string;
  venueEn: string;
  price: number;
}

export const EVENTS: readonly Event[] = [
  { id: 'turandot', zh: '歌剧《图兰朵》', en: 'Turandot (opera)', when: '2027-03-14 19:30', venue: '国家大剧院', venueEn: 'National Centre for the Performing Arts', price: 380 },
  { id: 'teahouse', zh: '话剧《茶馆》', en: 'Teahouse (play)', when: '2027-03-20 19:30', venue: '首都剧场', venueEn: 'Capital Theatre', price: 280 },
  { id: 'derby', zh: '中超联赛：北京国安 对 上海申花', en: 'Chinese Super League: Beijing v Shanghai', when: '2027-04-02 19:35', venue: '工人体育场', venueEn: 'Workers’ Stadium', price: 180 },
];

const MODES: Record<string, [string, string]> = {
  'urn:wangzheng:acr:wz': ['网证', 'credential'],
  'urn:wangzheng:acr:wz+pass': ['网证+口令', 'credential + passphrase'],
  'urn:wangzheng:acr:wz+face': ['网证+人脸', 'credential + face'],
  'urn:wangzheng:acr:wz+pass+face': ['网证+口令+人脸', 'credential + passphrase + face'],
  wz: ['网证', 'credential'],
  wz_face: ['网证+人脸', 'credential + face'],
};

const FAILURES: Record<string, [string, string]> = {
  declined: ['您在钱包中拒绝了本次核验', 'you declined in the wallet'],
  expired: ['超时未确认', 'nobody answered in time'],
  face_mismatch: ['人脸比对未通过', 'the face did not match'],
  another_person: ['确认的不是本账户的持有人', 'someone else answered'],
  access_denied: ['核验未完成', 'the verification did not complete'],
};

const NOTICES: Record<Notice, [string, string]> = {
  logged_out: ['您已退出登录。', 'You have logged out.'],
  account_disabled: ['您已被登出：网证平台通知本站，此网证已被全国停用。', 'You were signed out: the 网证 platform told us this identity has been disabled nationwide.'],
  credential_revoked: ['您已被登出：您的一个网证已被撤销，请重新登录。', 'You were signed out: one of your 网证 was revoked; please log in again.'],
  account_purged: ['您已被登出：您已注销网号，本站已删除您的账户。', 'You were signed out: you cancelled your 网号, so we deleted your account.'],
  consent_withdrawn: ['您已被登出：您撤回了对本站的授权，本站已删除实名登记结果。', 'You were signed out: you withdrew your authorization, so we deleted your registration result.'],
};

/** Chinese, then the same in English. */
const bi = (zh: string, en: string): Html => html`${zh} <span lang="en" class="en">${en}</span>`;
const pair = (p: [string, string] | undefined, fallback: string): Html => (p ? bi(p[0], p[1]) : html`${fallback}`);
const time = (ms: number): string => new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
export const modeName = (acrOrMode: string | undefined): Html => pair(MODES[acrOrMode ?? ''], acrOrMode ?? '—');
export const failureText = (code: string | undefined): Html => pair(FAILURES[code ?? ''], code ?? '—');

export interface View {
  session: Session | undefined;
  issuer: string;
  /** The state token /app.js compares with /state; set while something can change without the person doing anything. */
  wait?: string;
  /** Shown once. */
  notice?: Notice;
  flash?: string;
}

const csrf = (v: View): Html => html`<input type="hidden" name="csrf" value="${v.session?.csrf ?? ''}">`;

function layout(v: View, title: [string, string], main: Html): string {
  const signedIn = v.session?.sub !== undefined;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title[0]} · 云票务 — ${title[1]} · CloudTix</title>
<link rel="stylesheet" href="/style.css">
<script src="/app.js" defer></script>
</head>
<body${v.wait ? html` data-wait="${v.wait}"` : ''}>
<a class="skip" href="#main">${bi('跳到主要内容', 'Skip to content')}</a>
<header class="top">
  <a class="brand" href="/">云票务 <span lang="en">CloudTix</span></a>
  <span class="tag">${bi('网证接入示例', 'a 网证 demo site')}</span>
  <nav aria-label="主菜单 Main menu">
    <ul>
      <li><a href="/">${bi('演出', 'Events')}</a></li>
      ${signedIn
        ? html`<li><a href="/account">${bi('我的账户', 'My account')}</a></li>
      <li><form method="post" action="/logout">${csrf(v)}<button type="submit" class="link">${bi('退出', 'Log out')}</button></form></li>`
        : html`<li><a class="btn" href="/login">${bi('用网证登录', 'Log in with 网证')}</a></li>`}
    </ul>
  </nav>
</header>
<main id="main">
${main}
</main>
<footer><p>${bi('本站只通过 OpenID Connect 和 @wangzheng/sdk 接入网证平台', 'This site uses the 网证 platform only through OpenID Connect and @wangzheng/sdk')}: <code>${v.issuer}</code></p></footer>
</body>
</html>
`.text;
}

function notices(v: View): Html {
  const { notice, flash } = v;
  return html`${notice ? html`<div class="notice ${notice === 'logged_out' ? 'ok' : 'warn'}" role="status"><p>${pair(NOTICES[notice], notice)}</p></div>` : ''}${
    flash ? html`<div class="notice ok" role="status"><p>${flash}</p></div>` : ''
  }`;
}

export function homePage(v: View): string {
  const events = EVENTS.map(
    (e) => html`<li><article class="card" aria-labelledby="ev-${e.id}">
  <h2 id="ev-${e.id}">${bi(e.zh, e.en)}</h2>
  <p class="meta">${e.when} · ${bi(e.venue, e.venueEn)}</p>
  <p class="price">¥${e.price} <span class="meta">${bi('实名制门票', 'real-name ticket')}</span></p>
  <form method="post" action="/buy">${csrf(v)}<input type="hidden" name="event" value="${e.id}">
    <button type="submit" aria-describedby="ev-${e.id}">${bi('购票', 'Buy a ticket')}</button></form>
</article></li>`,
  );
  return layout(
    v,
    ['演出与赛事', 'Events'],
    html`<h1>${bi('演出与赛事', 'Events')}</h1>
${notices(v)}
<p class="lead">${bi(
      '本站门票实名制：用网证登录，实名登记，购票时刷脸确认。本站只获得核验结果和本站对您的专属标识，不获得您的姓名、证件号码。',
      'Tickets here are in your real name: log in with 网证, register once, confirm each purchase with your face. We learn only the result and our own identifier for you — never your name or ID number.',
    )}</p>
<ul class="events">${events}</ul>`,
  );
}

function checkRow(c: Check | undefined, none: Html): Html {
  if (!c) return none;
  if (c.state === 'pending') return html`<span class="badge warn">${bi('等待您在网证钱包中确认', 'waiting for you in the 网证 wallet')}</span>`;
  if (c.state === 'passed') return html`<span class="badge ok">${bi('已通过', 'passed')}</span> ${modeName(c.mode)} · ${time((c.at ?? 0) * 1000)}`;
  return html`<span class="badge bad">${bi('未通过', 'not passed')}</span> ${failureText(c.failure)}`;
}

export function accountPage(v: View, a: Account): string {
  const s = v.session!;
  const orders = a.orders.map((o) => {
    const e = EVENTS.find((x) => x.id === o.eventId)!;
    return html`<li><a href="/orders/${o.id}">${bi(e.zh, e.en)}</a> <span class="meta">${e.when} · ${o.seat}</span></li>`;
  });
  const review = a.review;
  return layout(
    v,
    ['我的账户', 'My account'],
    html`<h1>${bi('我的账户', 'My account')}</h1>
${notices(v)}
<section class="card" aria-labelledby="knows">
  <h2 id="knows">${bi('本站知道的关于您的全部信息', 'Everything this site knows about you')}</h2>
  <dl class="facts">
    <dt>${bi('您在本站的专属标识', 'Your identifier at this site')}</dt><dd><code class="sub">${a.sub}</code></dd>
    <dt>${bi('本次登录方式', 'This login')}</dt><dd>${modeName(s.acr)} · ${time((s.authTime ?? 0) * 1000)}</dd>
    <dt>${bi('实名登记', 'Real-name registration')}</dt><dd>${checkRow(a.registration, html`${bi('未登记', 'not yet')} · <a href="/register">${bi('去登记', 'register')}</a>`)}</dd>
  </dl>
  <p class="meta">${bi('本站没有您的姓名、证件号码、手机号或网号：它们留在网证平台。', 'We do not have your name, ID number, phone number or 网号: they stay with the 网证 platform.')}</p>
</section>
<section class="card" aria-labelledby="orders">
  <h2 id="orders">${bi('我的门票', 'My tickets')}</h2>
  ${orders.length ? html`<ul>${orders}</ul>` : html`<p>${bi('还没有门票。', 'No tickets yet.')} <a href="/">${bi('去看演出', 'See the events')}</a></p>`}
</section>
<section class="card" aria-labelledby="security">
  <h2 id="security">${bi('账户安全', 'Account security')}</h2>
  ${review?.state === 'pending'
    ? html`<div class="notice warn" role="status"><p>${bi(
        '本站发现此账户有异常购票，已请求网证平台对您重新核验。请在网证钱包首页「等待您处理的请求」中用人脸确认。确认之前，本账户暂停购票。',
        'We saw unusual purchases on this account and asked the 网证 platform to verify you again. Please confirm with your face in your 网证 wallet (home, “requests waiting for you”). Until then, this account cannot buy tickets.',
      )}</p></div>`
    : review?.state === 'passed'
      ? html`<div class="notice ok" role="status"><p>${bi('已重新核验，账户恢复正常。', 'Verified again: the account is back to normal.')} ${modeName(review.mode)} · ${time((review.at ?? 0) * 1000)}</p></div>`
      : review?.state === 'failed'
        ? html`<div class="notice bad" role="status"><p>${bi('重新核验未通过，账户暂停购票。', 'The re-verification did not pass: the account cannot buy tickets.')} ${failureText(review.failure)}</p></div>`
        : html`<p>${bi('正常。', 'Normal.')}</p>`}
  ${review?.state !== 'pending'
    ? html`<form method="post" action="/flag">${csrf(v)}<button type="submit" class="secondary">${bi('演示：模拟风控标记此账户', 'Demo: flag this account as suspicious')}</button></form>`
    : ''}
</section>`,
  );
}

/** `qr`: the request's wallet URL as an SVG QR code (from the qrcode package), for a phone to scan. */
export function registerPage(v: View, a: Account, qr?: string): string {
  const c = a.registration;
  let state: Html;
  if (c?.state === 'pending') {
    state = html`<div class="notice" role="status">
  <p>${bi('请在网证钱包中确认本次核验：用手机扫码，或在本机打开。', 'Please approve this verification in your 网证 wallet: scan with your phone, or open it on this device.')}</p>
  ${qr ? html`<div class="qr" role="img" aria-label="核验二维码 Verification QR code">${new Html(qr)}</div>` : ''}
  <p><a class="btn" href="${c.walletUrl ?? ''}">${bi('在本机打开网证钱包', 'Open the 网证 wallet on this device')}</a></p>
  <p class="meta">${bi('手机上的网证 App', 'The 网证 app on a phone')}: <a href="${c.link ?? ''}">${c.link ?? ''}</a></p>
  <p class="meta">${bi('有效期至', 'Valid until')} ${time(Date.parse(c.expiresAt))}</p>
</div>`;
  } else if (c?.state === 'passed') {
    state = html`<div class="notice ok" role="status">
  <h2>${bi('实名登记已完成', 'Registered')}</h2>
  <p>${bi('本站收到的全部信息：', 'Everything this site received:')}</p>
  <dl class="facts">
    <dt>${bi('核验结果', 'Result')}</dt><dd><span class="badge ok">${bi('通过', 'passed')}</span></dd>
    <dt>${bi('认证方式', 'Mode')}</dt><dd>${modeName(c.mode)}</dd>
    <dt>${bi('核验时间', 'Time')}</dt><dd>${time((c.at ?? 0) * 1000)}</dd>
    <dt>${bi('您在本站的专属标识', 'Your identifier at this site')}</dt><dd><code class="sub">${a.sub}</code></dd>
  </dl>
</div>
<p><a class="btn" href="/">${bi('去购票', 'Buy tickets')}</a></p>`;
  } else {
    state = html`${c ? html`<div class="notice bad" role="status"><p>${bi('实名登记未完成：', 'Registration did not complete: ')}${failureText(c.failure)}</p></div>` : ''}
<form method="post" action="/register">${csrf(v)}<button type="submit">${bi('用网证实名登记', 'Register with 网证')}</button></form>`;
  }
  return layout(
    v,
    ['实名登记', 'Real-name registration'],
    html`<h1>${bi('实名登记', 'Real-name registration')}</h1>
${notices(v)}
<p class="lead">${bi('购买实名制门票前，请用网证完成一次实名登记。', 'Before buying real-name tickets, register once with your 网证.')}</p>
<div class="two">
  <section class="card" aria-labelledby="gets"><h2 id="gets">${bi('本站将获得', 'We receive')}</h2>
    <ul><li>${bi('核验结果：通过或未通过', 'the result: passed or not')}</li><li>${bi('认证方式和时间', 'the mode and the time')}</li><li>${bi('本站对您的专属标识（其他网站的不同）', 'our own identifier for you (other sites get different ones)')}</li></ul></section>
  <section class="card" aria-labelledby="never"><h2 id="never">${bi('本站不会获得', 'We never receive')}</h2>
    <ul><li>${bi('姓名、证件号码', 'your name, ID number')}</li><li>${bi('手机号、网号、人脸', 'phone number, 网号, face')}</li></ul></section>
</div>
${state}`,
  );
}

export function orderPage(v: View, o: Order): string {
  const e = EVENTS.find((x) => x.id === o.eventId)!;
  return layout(
    v,
    ['购票成功', 'Ticket booked'],
    html`<h1>${bi('购票成功', 'Ticket booked')}</h1>
${notices(v)}
<article class="card ticket" aria-labelledby="t-title">
  <h2 id="t-title">${bi(e.zh, e.en)}</h2>
  <dl class="facts">
    <dt>${bi('时间', 'When')}</dt><dd>${e.when}</dd>
    <dt>${bi('场馆', 'Venue')}</dt><dd>${bi(e.venue, e.venueEn)}</dd>
    <dt>${bi('座位', 'Seat')}</dt><dd>${o.seat}</dd>
    <dt>${bi('订单号', 'Order')}</dt><dd><code>${o.id}</code></dd>
    <dt>${bi('购票人', 'Holder')}</dt><dd>${bi('实名已核验', 'real name verified')} · ${modeName(o.acr)} · ${time(o.at)}</dd>
  </dl>
  <p class="meta">${bi('入场时出示网证「场所码」即可，无需身份证。', 'At the gate, show your 网证 venue code: no ID card needed.')}</p>
</article>
<p><a href="/account">${bi('我的账户', 'My account')}</a> · <a href="/">${bi('继续购票', 'More events')}</a></p>`,
  );
}

export function messagePage(v: View, title: [string, string], message: Html, status = 'bad'): string {
  return layout(
    v,
    title,
    html`<h1>${bi(title[0], title[1])}</h1>
<div class="notice ${status}" role="alert"><p>${message}</p></div>
<p><a href="/">${bi('返回首页', 'Back to the events')}</a></p>`,
  );
}
