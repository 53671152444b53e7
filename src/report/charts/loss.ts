// Iteration time versus random loss rate, one line per PFC setting. The x axis is symlog (linear near 0,
// logarithmic above its constant) so loss 0 is drawn on the same axis as 1e-5..1e-3 without a break. Series
// that coincide (PFC cannot prevent random loss, so on and off often give the same times) are drawn once with
// a note (overlap.ts). Left out: error bars (one seed per point).
import type { ReportInput } from '../input.ts';
import { mergeCoincident } from './overlap.ts';
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, linearTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export type LossInput = NonNullable<ReportInput['lossSweep']>;

export function lossChart(input: LossInput): Chart {
  const labelled = input.map((s) => ({
    label: /\bPFC\b/i.test(s.label) ? s.label : `${s.label} (PFC ${s.pfc ? 'on' : 'off'})`,
    dashed: !s.pfc,
    points: [...s.points].sort((a, b) => a.loss - b.loss).map((p) => [p.loss, p.iterationMs] as [number, number]),
  }));
  const { series, notes } = mergeCoincident(labelled);
  const rows = series.flatMap((s) => s.points.map(([loss, ms]) => ({ loss, ms, series: s.label, dashed: s.dashed })));
  const losses = [...new Set(rows.map((r) => r.loss))].sort((a, b) => a - b);
  const smallest = losses.find((l) => l > 0) ?? 1e-5;
  const ms = rows.map((r) => r.ms);
  const y = linearTicks(Math.min(...ms), Math.max(...ms));
  return {
    chart: 'lossSweep',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title('Iteration time versus random loss', notes),
      width: PLOT_W,
      height: PLOT_H,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2, point: { size: 40 } },
      encoding: {
        x: {
          field: 'loss',
          type: 'quantitative',
          title: 'random loss rate (per packet, symlog axis)',
          // symlog's constant a decade below the smallest rate: 0 and each decade get about equal room.
          scale: { type: 'symlog', constant: smallest / 10, domain: [0, losses[losses.length - 1] ?? 1] },
          axis: ticks(losses, formatNumber),
        },
        y: {
          field: 'ms',
          type: 'quantitative',
          title: 'iteration time (ms)',
          scale: { domain: y.domain, zero: false },
          axis: ticks(y.values, formatNumber),
        },
        color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.label) },
        strokeDash: {
          field: 'dashed',
          type: 'nominal',
          scale: {
            domain: [false, true],
            range: [
              [1, 0],
              [6, 4],
            ],
          },
          legend: null,
        },
        tooltip: [
          { field: 'series', title: 'series' },
          { field: 'loss', title: 'loss rate' },
          { field: 'ms', title: 'ms', format: '.4~f' },
        ],
      },
    } as never,
  };
}
