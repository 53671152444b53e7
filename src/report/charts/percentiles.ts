// Grouped bars of a latency quantity at fixed percentiles (p50, p90, p99, p99.9), one bar per run in each
// group, the value printed above each bar. Bars start at 0 (their length is the value). Left out: error bars.
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, linearTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export interface PercentileBars {
  chart: string;
  title: string;
  /** Axis title with the unit, e.g. `TTFT (ms)`. */
  quantity: string;
  groups: string[];
  runs: { label: string; values: number[] }[];
}

export function percentileChart(o: PercentileBars): Chart {
  const rows = o.runs.flatMap((r) =>
    r.values
      .slice(0, o.groups.length)
      .map((v, i) => ({ pct: o.groups[i], ms: v, run: r.label, text: formatNumber(Number(v.toPrecision(3))) }))
      .filter((x) => Number.isFinite(x.ms)),
  );
  const y = linearTicks(0, Math.max(0, ...rows.map((r) => r.ms)));
  const pos = {
    x: { field: 'pct', type: 'nominal', title: 'percentile', sort: o.groups, axis: { labelAngle: 0 } },
    xOffset: { field: 'run', type: 'nominal', sort: o.runs.map((r) => r.label) },
    y: {
      field: 'ms',
      type: 'quantitative',
      title: o.quantity,
      scale: { domain: y.domain },
      axis: ticks(y.values, formatNumber),
    },
  };
  return {
    chart: o.chart,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title(o.title),
      width: PLOT_W,
      height: PLOT_H,
      data: { values: rows },
      encoding: pos,
      layer: [
        {
          mark: { type: 'bar' },
          encoding: { color: { field: 'run', type: 'nominal', title: null, sort: o.runs.map((r) => r.label) } },
        },
        { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { text: { field: 'text' } } },
      ],
    } as never,
  };
}
