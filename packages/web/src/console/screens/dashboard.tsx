/**
 * 概览 Overview: the platform's last hour from `GET /v1/admin/ops/series`, refreshed every 10 s —
 * totals, then enrollments by outcome, verifications per second by mode, failures by code and
 * the time to verify (p50/p95), each a uPlot chart with its numbers as a table.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { label, useI18n } from '../../shared/i18n/index.ts';
import { get } from '../api.ts';
import { TimeChart } from '../chart.tsx';
import { groupBy, linesOf, quantiles, readSeries, timeline, total, type Line } from '../series.ts';
import { Heading, Loading, Problem, useLoad } from '../ui.tsx';

const REFRESH_MS = 10_000;

export function Dashboard(): JSX.Element {
  const { t, lang } = useI18n();
  const c = t.console.dashboard;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(id);
  }, []);
  const loaded = useLoad(async () => ({ lines: readSeries(await get<unknown>('/v1/admin/ops/series')), at: Date.now() }), [tick]);
  const lines = loaded.data?.lines;

  const charts = useMemo(() => {
    if (!lines) return undefined;
    const modeName = (m: string) => label(c.modes, m);
    const enroll = linesOf(lines, 'wz_enrollments_total');
    const verify = linesOf(lines, 'wz_verifications_total');
    const failures = [...linesOf(lines, 'wz_verification_failures_total'), ...linesOf(lines, 'wz_enrollment_failures_total')];
    let latency: Line[] = lines.filter((l) => l.metric === 'wz_verification_duration_seconds' && l.quantile !== undefined);
    if (latency.length === 0) latency = lines.filter((l) => l.metric === 'wz_http_request_duration_seconds' && l.quantile !== undefined);
    const xs = timeline(lines);
    return {
      xs,
      totals: [
        { key: 'enrollments', name: c.enrollments, value: total(enroll) },
        { key: 'verifications', name: c.verifications, value: total(verify) },
        { key: 'failures', name: c.failures, value: total(linesOf(lines, 'wz_verification_failures_total')) },
        { key: 'logins', name: c.logins, value: total(linesOf(lines, 'wz_oidc_logins_total')) },
        { key: 'deliveries', name: c.deliveries, value: total(linesOf(lines, 'wz_ssf_deliveries_total')) },
      ],
      enroll: groupBy(enroll, 'outcome', xs, { nameOf: (o) => label(c.outcomes, o) }),
      verify: groupBy(verify, 'mode', xs, { rate: true, nameOf: modeName }),
      failures: groupBy(failures, 'code', xs),
      latency: quantiles(latency, xs, (l) => `p${Math.round((l.quantile ?? 0) * 100)}${l.labels['mode'] ? ` ${modeName(l.labels['mode'])}` : ''}`),
    };
  }, [lines, lang, c]);

  return (
    <>
      <Heading>{c.title}</Heading>
      <p class="meta">{c.intro}</p>
      {loaded.error ? <Problem error={loaded.error} /> : null}
      {!charts && loaded.loading ? <Loading /> : null}
      {charts ? (
        <>
          <p class="meta" aria-live="polite">
            {c.updated(new Date(loaded.data!.at).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' }))}
          </p>
          <section aria-labelledby="totals-title">
            <h2 id="totals-title">{c.counters}</h2>
            <dl class="counters">
              {charts.totals.map((x) => (
                <div class="counter card" key={x.key} data-counter={x.key}>
                  <dt>{x.name}</dt>
                  <dd>{x.value.toLocaleString(lang)}</dd>
                </div>
              ))}
            </dl>
          </section>
          {charts.xs.length === 0 ? <p class="message info">{c.noData}</p> : null}
          <div class="charts">
            <TimeChart testId="chart-enrollments" title={c.chartEnrollments} chart={charts.enroll} />
            <TimeChart testId="chart-verifications" title={c.chartVerifications} chart={charts.verify} unit="/s" />
            <TimeChart testId="chart-failures" title={c.chartFailures} chart={charts.failures} />
            <TimeChart testId="chart-latency" title={c.chartLatency} chart={charts.latency} unit="s" />
          </div>
        </>
      ) : null}
    </>
  );
}
