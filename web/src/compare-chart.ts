// A bar per design for one metric of the planner's comparison (cost per host, power, bisection, switches...),
// in the report charts' theme (src/report/charts/theme.ts): bars from 0, the value above each bar.
import type { Chart } from '../../src/report/charts/render.ts';
import { CONFIG, formatNumber, linearTicks, ticks, title } from '../../src/report/charts/theme.ts';

export interface CompareMetric {
  chart: string;
  title: string;
  /** Axis title with its unit, e.g. `cost per host (USD)`. */
  quantity: string;
  bars: { design: string; value: number }[];
}

/** Narrower than the report's plot: two or three charts sit side by side. */
const W = 260;
const H = 160;

export function compareChart(m: CompareMetric): Chart {
  const rows = m.bars.map((b) => ({ ...b, text: formatNumber(Number(b.value.toPrecision(3))) }));
  const y = linearTicks(0, Math.max(0, ...rows.map((r) => r.value)));
  const x = {
    field: 'design',
    type: 'nominal',
    title: 'design',
    sort: m.bars.map((b) => b.design),
    axis: { labelAngle: 0 },
  };
  const yEnc = {
    field: 'value',
    type: 'quantitative',
    title: m.quantity,
    scale: { domain: y.domain },
    axis: ticks(y.values, formatNumber),
  };
  return {
    chart: m.chart,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title(m.title, [], W),
      width: W,
      height: H,
      data: { values: rows },
      layer: [
        { mark: { type: 'bar' }, encoding: { x, y: yEnc, color: { field: 'design', type: 'nominal', legend: null } } },
        { mark: { type: 'text', dy: -6 }, encoding: { x, y: yEnc, text: { field: 'text' } } },
      ],
    } as Chart['spec'],
  };
}
