// Flow completion times of a run's plain flows (an incast, a permutation). Up to 40 flows: one row per flow,
// its measured FCT as a filled dot and its FCT alone on an idle fabric (FCT-01, the result's idealFctPs) as an
// open one, so the gap between them is the slowdown. More flows: the CDF of the slowdown (FCT over idle FCT).
// Flows that did not finish are left out and counted in the subtitle.
import type { ReportInput } from '../input.ts';
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, linearTicks, logTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export type FlowsInput = NonNullable<ReportInput['flows']>[number];
/** Beyond this many flows a row per flow no longer reads: the chart becomes a CDF. */
const PER_FLOW_MAX = 40;

const pctile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

export function flowsChart(o: FlowsInput): Chart | null {
  const done = o.flows.filter((f) => f.fctPs >= 0 && f.slowdown > 0);
  if (done.length === 0) return null;
  const sd = done.map((f) => f.slowdown).sort((a, b) => a - b);
  const notes = [
    `Slowdown (FCT / FCT alone on an idle fabric): median ${formatNumber(pctile(sd, 0.5))}x, p99 ${formatNumber(pctile(sd, 0.99))}x, max ${formatNumber(sd[sd.length - 1])}x over ${done.length.toLocaleString('en-US')} flows${done.length < o.flows.length ? `; ${o.flows.length - done.length} did not finish` : ''}.`,
  ];
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, width: PLOT_W };
  if (done.length <= PER_FLOW_MAX) {
    const rows = done.flatMap((f, i) => {
      const flow = `#${i + 1} ${f.src} -> ${f.dst}`;
      return [
        { flow, us: f.fctPs / 1e6, what: 'measured FCT' },
        { flow, us: f.idealFctPs / 1e6, what: 'alone on an idle fabric' },
      ];
    });
    const x = linearTicks(0, Math.max(...rows.map((r) => r.us)));
    return {
      chart: 'flows',
      spec: {
        ...base,
        title: title(`Flow completion times: ${o.label}`, notes),
        height: { step: 26 },
        data: { values: rows },
        mark: { type: 'point', size: 80, filled: true },
        encoding: {
          x: {
            field: 'us',
            type: 'quantitative',
            title: 'flow completion time (us)',
            scale: { domain: x.domain },
            axis: ticks(x.values, formatNumber),
          },
          y: { field: 'flow', type: 'nominal', title: null, sort: null },
          color: {
            field: 'what',
            type: 'nominal',
            title: null,
            scale: { domain: ['measured FCT', 'alone on an idle fabric'], range: ['#0072B2', '#999999'] },
          },
        },
      } as never,
    };
  }
  const rows = sd.map((s, i) => ({ slowdown: s, share: ((i + 1) / sd.length) * 100 }));
  const x = logTicks(Math.max(1, sd[0]), Math.max(2, sd[sd.length - 1]), 10);
  return {
    chart: 'flows',
    spec: {
      ...base,
      title: title(`Flow slowdown (CDF): ${o.label}`, notes),
      height: PLOT_H,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: {
          field: 'slowdown',
          type: 'quantitative',
          title: 'slowdown (FCT / idle-fabric FCT, x, log axis)',
          scale: { type: 'log', domain: x.domain },
          axis: ticks(x.values, formatNumber),
        },
        y: {
          field: 'share',
          type: 'quantitative',
          title: 'flows finished within (%)',
          scale: { domain: [0, 100] },
          axis: ticks([0, 20, 40, 60, 80, 100], (v) => `${v}%`),
        },
      },
    } as never,
  };
}
