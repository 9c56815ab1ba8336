/**
 * One time-series chart: uPlot (canvas, its own legend) drawing `chart`, sized to its container,
 * with the same numbers as a table under it for anyone who cannot see the canvas. uPlot sets
 * sizes through the CSSOM (element.style), which the console's CSP (`style-src 'self'`) allows.
 */
import type { JSX } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useI18n } from '../shared/i18n/index.ts';
import type { Chart } from './series.ts';

/** Colour AND dash per series: told apart without colour too. */
const PALETTE = ['#b0102a', '#1f4e8c', '#146c2e', '#8a4b00', '#5b3ea6', '#0e7490', '#4b5563', '#be185d'];
const DASHES: (number[] | undefined)[] = [undefined, [6, 4], [2, 3], [10, 3, 2, 3]];

/** Axis ticks as 24-hour clock times in China's time zone; with seconds when ticks are under a minute apart. */
function clocks(splits: number[]): string[] {
  const step = splits.length > 1 ? splits[1]! - splits[0]! : 60;
  return splits.map((s) => new Date(s * 1000).toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', ...(step < 60 ? { second: '2-digit' } : {}) }));
}

function options(chart: Chart, width: number, unit: string | undefined): uPlot.Options {
  return {
    width,
    height: 220,
    scales: { x: { time: true } },
    // China's time, as every other time on the console (not the browser's zone).
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
    axes: [{ stroke: '#4b5563', grid: { stroke: '#e5e7eb' }, space: 90, values: (_u, splits) => clocks(splits) }, { stroke: '#4b5563', grid: { stroke: '#e5e7eb' }, size: 56, ...(unit ? { label: unit } : {}) }],
    series: [
      {},
      ...chart.series.map((s, i) => ({
        label: s.name,
        stroke: PALETTE[i % PALETTE.length]!,
        width: 2,
        spanGaps: false,
        ...(DASHES[i % DASHES.length] ? { dash: DASHES[i % DASHES.length]! } : {}),
      })),
    ],
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

function dataOf(chart: Chart): uPlot.AlignedData {
  return [chart.xs, ...chart.series.map((s) => s.values)] as uPlot.AlignedData;
}

export function TimeChart(p: { title: string; chart: Chart; unit?: string; testId: string }): JSX.Element {
  const { t, lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = useRef('');
  const titleId = useId();
  const { chart } = p;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // A new set of series needs a new plot; new numbers on the same series only new data.
    const key = `${chart.series.map((s) => s.name).join('\0')}|${p.unit ?? ''}`;
    if (!plot.current || shape.current !== key) {
      plot.current?.destroy();
      plot.current = new uPlot(options(chart, Math.max(280, el.clientWidth), p.unit), dataOf(chart), el);
      shape.current = key;
    } else {
      plot.current.setData(dataOf(chart));
    }
  }, [chart, p.unit]);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, []);

  const c = t.console.dashboard;
  const fmt = (x: number) => new Date(x * 1000).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  // The table: the latest twelve intervals (two minutes), newest first.
  const rows = chart.xs.map((x, i) => ({ x, i })).slice(-12).reverse();
  return (
    <figure class="card chart" aria-labelledby={titleId} data-testid={p.testId}>
      <figcaption id={titleId} class="chart-title">
        {p.title}
      </figcaption>
      <div class={`chart-plot${chart.series.length === 0 ? ' is-empty' : ''}`} ref={box} aria-hidden="true" />
      {chart.series.length === 0 ? <p class="meta chart-empty">{c.noSeries}</p> : null}
      <details class="chart-data">
        <summary>{c.chartTable(p.title)}</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{c.time}</th>
                {chart.series.map((s) => (
                  <th scope="col" key={s.name}>
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ x, i }) => (
                <tr key={x}>
                  <th scope="row">{fmt(x)}</th>
                  {chart.series.map((s) => (
                    <td key={s.name}>{s.values[i] ?? '-'}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
