/**
 * The venue checker (场所码核验), one screen: a venue worker scans the QR code on a person's phone
 * (or pastes its text) and sees at a glance PASS — with what the person chose to show: 18 or
 * over, the masked name — or FAIL with the reason. No photo, no 网号, nothing kept.
 *
 * It works offline: the app shell comes from the service worker, the platform keys and status
 * lists from this browser's cache (checker.ts), whose age is always on screen — and said plainly
 * once it is older than the lists' ttl (60 s), when every result is marked as possibly out of
 * date. While online it refreshes every ttl (a little before it runs out), on coming back online,
 * and on "update now".
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { VenueCheckResult } from '@wangzheng/core/venue/index';
import { AppShell, useLanguage, useOnline } from '../shared/app-shell.tsx';
import { label, useI18n, type Catalogue, type Lang } from '../shared/i18n/index.ts';
import { useQrCamera } from '../shared/qr-camera.ts';
import { Checker, CheckerError, nowSeconds, type CacheInfo, type Freshness } from './checker.ts';

/** The current time in seconds, ticking every second (for the cache's age). */
function useNow(): number {
  const [now, setNow] = useState(nowSeconds);
  useEffect(() => {
    const id = window.setInterval(() => setNow(nowSeconds()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}

/** "14:02:11" in China's time zone, as the rest of the platform shows times. */
export function clockTime(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function duration(t: Catalogue, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return t.checker.seconds(s);
  if (s < 2 * 3600) return t.checker.minutes(Math.floor(s / 60));
  if (s < 48 * 3600) return t.checker.hours(Math.floor(s / 3600));
  return t.checker.days(Math.floor(s / 86_400));
}

type Refresh = { state: 'idle' } | { state: 'busy' } | { state: 'done' } | { state: 'failed'; code: string; detail: string };

interface Shown {
  result: VenueCheckResult;
  /** The freshness when it was checked (for a stale PASS: how old the list was). */
  ageSeconds: number;
  n: number;
}

export function CheckerApp(): JSX.Element {
  const i18n = useLanguage();
  const t = i18n.t;
  return (
    <AppShell i18n={i18n} home="./" name={t.checker.appName} subtitle={t.checker.subtitle} title={`${t.checker.appName} · ${t.app.name}`}>
      <CheckerScreen />
    </AppShell>
  );
}

function CheckerScreen(): JSX.Element {
  const { t, lang } = useI18n();
  const online = useOnline();
  const now = useNow();
  const [checker, setChecker] = useState<Checker | undefined>();
  const [refresh, setRefresh] = useState<Refresh>({ state: 'idle' });
  const [, setGeneration] = useState(0);
  const [shown, setShown] = useState<Shown | null>(null);
  const [checking, setChecking] = useState(false);
  const [text, setText] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();
  const verdict = useRef<HTMLDivElement>(null);
  const counter = useRef(0);
  const busy = useRef(false);

  const doRefresh = useCallback(async (c: Checker) => {
    if (busy.current) return;
    busy.current = true;
    setRefresh({ state: 'busy' });
    try {
      await c.refresh();
      setRefresh({ state: 'done' });
    } catch (e) {
      const code = e instanceof CheckerError ? e.code : 'unreachable';
      setRefresh({ state: 'failed', code, detail: e instanceof Error ? e.message : String(e) });
    } finally {
      busy.current = false;
      setGeneration((g) => g + 1);
    }
  }, []);

  // Open the cache; refresh at once when online.
  useEffect(() => {
    let live = true;
    void Checker.open().then((c) => {
      if (!live) return;
      setChecker(c);
      if (navigator.onLine) void doRefresh(c);
    });
    return () => {
      live = false;
    };
  }, [doRefresh]);

  // While online: every ttl, and as soon as the network comes back.
  const ttl = checker?.info?.ttl ?? 60;
  const wasOnline = useRef(online);
  useEffect(() => {
    const back = online && !wasOnline.current;
    wasOnline.current = online;
    if (!checker || !online) return;
    if (back) void doRefresh(checker);
    // Every ttl — started a little early (10 s, or half the ttl when it is short), so that the
    // lists are renewed before they turn stale rather than just after.
    const every = Math.max(ttl - 10, ttl / 2);
    const id = window.setInterval(() => {
      if (navigator.onLine) void doRefresh(checker);
    }, every * 1000);
    return () => clearInterval(id);
  }, [checker, online, ttl, doRefresh]);

  const run = useCallback(
    async (scanned: string) => {
      if (!checker) return;
      setChecking(true);
      const at = nowSeconds();
      const result = await checker.check(scanned, at);
      counter.current += 1;
      setShown({ result, ageSeconds: checker.freshness(at).ageSeconds, n: counter.current });
      setChecking(false);
    },
    [checker],
  );

  const camera = useQrCamera((scanned) => {
    void run(scanned);
    return true;
  });

  useEffect(() => {
    if (shown) verdict.current?.focus();
  }, [shown]);

  const fresh = checker ? checker.freshness(now) : undefined;
  const info = checker?.info;
  const live = camera.state === 'on' || camera.state === 'starting';
  const problem =
    camera.state === 'denied' ? t.checker.denied : camera.state === 'absent' ? t.checker.absent : camera.state === 'insecure' ? t.checker.insecure : camera.state === 'failed' ? t.checker.failed : undefined;

  return (
    <main id="main" tabIndex={-1}>
      {!online && (
        <p class="offline-strip" role="status">
          {t.checker.offlineBanner}
        </p>
      )}
      <section class="screen checker" aria-labelledby="screen-title">
        <h1 id="screen-title">{t.checker.title}</h1>
        <FreshnessBar state={fresh?.state} ageSeconds={fresh?.ageSeconds ?? 0} ttl={ttl} loading={!checker} online={online} refresh={refresh} onRefresh={() => checker && void doRefresh(checker)} />

        <div aria-live="polite" class="result-region">
          {checking && (
            <p class="busy">
              <span class="spinner" aria-hidden="true" />
              {t.checker.checking}
            </p>
          )}
          {shown && !checking && <Verdict key={shown.n} shown={shown} ttl={ttl} lang={lang} refEl={verdict} />}
        </div>
        {shown && !checking && (
          <div class="actions">
            <button
              type="button"
              class="btn btn-primary btn-big"
              onClick={() => {
                setShown(null);
                void camera.start();
              }}
            >
              {t.checker.next}
            </button>
          </div>
        )}

        {!shown && <p class="intro">{t.checker.intro}</p>}
        <div class={live ? 'viewfinder live' : 'viewfinder'}>
          <video ref={camera.video} muted playsInline aria-label={t.checker.video} />
          <canvas ref={camera.canvas} hidden />
          {live && <span class="finder-frame" aria-hidden="true" />}
        </div>
        <div aria-live="polite">{camera.state === 'on' && <p class="meta center">{t.checker.scanning}</p>}</div>
        {problem && (
          <div class="message warn">
            <p role="alert">{problem}</p>
          </div>
        )}
        {!shown && (
          <div class="actions">
            {live ? (
              <button type="button" class="btn btn-secondary" onClick={camera.stop}>
                {t.checker.stop}
              </button>
            ) : (
              <button type="button" class="btn btn-primary btn-big" disabled={!checker} onClick={() => void camera.start()}>
                {t.checker.start}
              </button>
            )}
          </div>
        )}

        <form
          class="paste"
          onSubmit={(e) => {
            e.preventDefault();
            // Leading whitespace and line breaks from a paste; a space inside is base45.
            const v = text.replace(/^\s+/, '').replace(/[\r\n\t]+/g, '');
            if (!v) {
              setPasteError(t.checker.pasteEmpty);
              return;
            }
            setPasteError(undefined);
            // The text is not kept on screen once checked (it may carry the masked name).
            setText('');
            camera.stop();
            void run(v);
          }}
        >
          <div class={pasteError ? 'field invalid' : 'field'}>
            <label for="venue-text">{t.checker.paste}</label>
            <p class="hint" id="venue-text-hint">
              {t.checker.pasteHint}
            </p>
            <textarea
              id="venue-text"
              name="venue-text"
              rows={3}
              maxLength={2048}
              spellcheck={false}
              autoComplete="off"
              value={text}
              aria-invalid={pasteError ? 'true' : undefined}
              aria-describedby={pasteError ? 'venue-text-hint venue-text-error' : 'venue-text-hint'}
              onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            />
            {pasteError && (
              <p class="field-error" id="venue-text-error">
                {pasteError}
              </p>
            )}
          </div>
          <div class="actions">
            <button type="submit" class="btn btn-secondary" disabled={!checker}>
              {t.checker.check}
            </button>
          </div>
        </form>

        <CacheCard info={info} ttl={ttl} />
        <p class="meta">{t.checker.privacy}</p>
      </section>
    </main>
  );
}

function Verdict(p: { shown: Shown; ttl: number; lang: Lang; refEl: { current: HTMLDivElement | null } }): JSX.Element {
  const { t } = useI18n();
  const r = p.shown.result;
  if (!r.ok) {
    return (
      <div class="verdict verdict-fail" ref={p.refEl} tabIndex={-1} data-verdict="fail" data-code={r.code} data-n={p.shown.n}>
        <p class="verdict-word">
          <span class="verdict-mark" aria-hidden="true">
            ✕
          </span>
          {t.checker.fail}
        </p>
        <p class="verdict-reason">{label(t.checker.codes, r.code)}</p>
        <p>{label(t.checker.actions, r.code)}</p>
      </div>
    );
  }
  const facts: string[] = [];
  if (r.revealed.age_over_18 !== undefined) facts.push(r.revealed.age_over_18 ? t.checker.adult : t.checker.minor);
  if (r.revealed.masked_name !== undefined) facts.push(t.checker.nameValue(r.revealed.masked_name));
  return (
    <div class="verdict verdict-pass" ref={p.refEl} tabIndex={-1} data-verdict="pass" data-stale={r.statusStale ? 'true' : 'false'} data-n={p.shown.n}>
      <p class="verdict-word">
        <span class="verdict-mark" aria-hidden="true">
          ✓
        </span>
        {t.checker.pass}
      </p>
      {facts.length > 0 ? (
        <ul class="verdict-facts">
          {facts.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : (
        <p class="verdict-reason">{t.checker.onlyResult}</p>
      )}
      {r.statusStale && <p class="verdict-stale">{t.checker.staleResult(duration(t, p.shown.ageSeconds))}</p>}
      <p class="verdict-meta">
        {t.checker.validNetid} {t.checker.presentedAt(clockTime(r.presentedAt * 1000, p.lang))}
      </p>
    </div>
  );
}

function FreshnessBar(p: { state: Freshness | undefined; ageSeconds: number; ttl: number; loading: boolean; online: boolean; refresh: Refresh; onRefresh: () => void }): JSX.Element {
  const { t } = useI18n();
  const age = duration(t, p.ageSeconds);
  const tone = p.loading ? 'info' : p.state === 'fresh' ? 'ok' : p.state === 'too_old' ? 'error' : 'warn';
  const text = p.loading
    ? t.checker.loading
    : p.state === 'none'
      ? t.checker.cacheNone
      : p.state === 'fresh'
        ? t.checker.cacheFresh(age)
        : p.state === 'stale'
          ? t.checker.cacheStale(age, t.checker.seconds(p.ttl))
          : t.checker.cacheTooOld;
  const consequence = p.state === 'stale' ? t.checker.cacheStaleNote : undefined;
  return (
    <div class={`freshness message ${tone}`} data-freshness={p.loading ? 'loading' : p.state}>
      <div class="freshness-row">
        <div>
          <p class="freshness-text">
            <span class={`net-badge ${p.online ? 'on' : 'off'}`}>{p.online ? t.checker.online : t.checker.offline}</span> {text}
          </p>
          {consequence && <p class="freshness-consequence">{consequence}</p>}
        </div>
        <button type="button" class="btn btn-secondary btn-small" disabled={p.loading || p.refresh.state === 'busy' || !p.online} aria-busy={p.refresh.state === 'busy' ? 'true' : undefined} onClick={p.onRefresh}>
          {p.refresh.state === 'busy' ? t.checker.refreshing : t.checker.refresh}
        </button>
      </div>
      <p class="freshness-note" role="status">
        {!p.online
          ? t.checker.refreshOffline
          : p.refresh.state === 'failed'
            ? t.checker.refreshFailed
            : p.refresh.state === 'done'
              ? `${t.checker.refreshed} ${t.checker.autoRefresh(t.checker.seconds(p.ttl))}`
              : t.checker.autoRefresh(t.checker.seconds(p.ttl))}
      </p>
    </div>
  );
}

function CacheCard(p: { info: CacheInfo | undefined; ttl: number }): JSX.Element {
  const { t, lang } = useI18n();
  const i = p.info;
  return (
    <div class="card cache-card">
      <h2>{t.checker.cacheTitle}</h2>
      {i ? (
        <dl class="facts compact">
          <div class="row">
            <dt>{t.checker.cacheKeys}</dt>
            <dd>{t.checker.keysValue(i.keys, clockTime(i.jwksFetchedAt, lang))}</dd>
          </div>
          <div class="row">
            <dt>{t.checker.cacheLists}</dt>
            <dd>{t.checker.cacheListsValue(i.lists, i.oldestIat !== undefined ? clockTime(i.oldestIat * 1000, lang) : clockTime(i.listsFetchedAt, lang))}</dd>
          </div>
          <div class="row">
            <dt>{t.checker.cacheFetched}</dt>
            <dd>{clockTime(i.listsFetchedAt, lang)}</dd>
          </div>
          <div class="row">
            <dt>{t.checker.cacheTtl}</dt>
            <dd>{t.checker.cacheTtlValue(t.checker.seconds(p.ttl))}</dd>
          </div>
        </dl>
      ) : (
        <p>{t.checker.cacheNone}</p>
      )}
    </div>
  );
}
