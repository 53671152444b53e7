// A sweep's metric over its varied fields (`aifabric runs report`): a line of the mean over seeds against the first
// numeric field, one line per combination of the others, with the seeds' lowest..highest as error bars; and, for
// exactly two varied fields, a heat map of the mean. The numbers come in already reduced (src/sweep/report.ts).
// Left out: more than one metric per chart, interaction.

import { HEAT } from './links.ts';
import { mergeCoincident } from './overlap.ts';
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, linearTicks, logTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export interface SweepPoint {
  x: number;
  series: string;
  mean: number;
  lo: number;
  hi: number;
}

/** Each series' points as (x, mean), sorted by x, for the overlap check. */
function bySeries(points: SweepPoint[]): { key: string; label: string; points: [number, number][] }[] {
  const names = [...new Set(points.map((p) => p.series))];
  return names.map((label) => ({
    key: label,
    label,
    points: points
      .filter((p) => p.series === label)
      .sort((a, b) => a.x - b.x)
      .map((p) => [p.x, p.mean] as [number, number]),
  }));
}

/** Series that coincide at every point (within a pixel) are drawn once under a joined label, with a note. */
function drawnPoints(points: SweepPoint[]): { points: SweepPoint[]; notes: string[] } {
  const { series, notes } = mergeCoincident(bySeries(points));
  const label = new Map<string, string>();
  for (const s of series) label.set(s.key, s.label);
  const kept = points.filter((p) => label.has(p.series));
  return { points: kept.map((p) => ({ ...p, series: label.get(p.series) ?? p.series })), notes };
}

/** Mean (line and points) and seed spread (rules) of a metric against one varied field. */
export function sweepLineChart(o: { title: string; xLabel: string; yLabel: string; points: SweepPoint[] }): Chart {
  const { points, notes } = drawnPoints(o.points);
  const xs = points.map((p) => p.x);
  const positive = xs.every((x) => x > 0);
  const spread = Math.max(...xs) / Math.max(1e-300, Math.min(...xs));
  const log = positive && spread >= 100;
  const xt = log ? logTicks(Math.min(...xs), Math.max(...xs), 10) : linearTicks(Math.min(...xs), Math.max(...xs));
  const yt = linearTicks(0, Math.max(0, ...points.map((p) => p.hi)));
  const series = [...new Set(points.map((p) => p.series))];
  const color = { field: 'series', type: 'nominal', title: null, sort: series };
  const x = {
    field: 'x',
    type: 'quantitative',
    title: o.xLabel,
    scale: { type: log ? 'log' : 'linear', domain: xt.domain },
    axis: ticks(xt.values, formatNumber),
  };
  const y = {
    type: 'quantitative',
    title: o.yLabel,
    scale: { domain: yt.domain },
    axis: ticks(yt.values, formatNumber),
  };
  return {
    chart: 'sweep',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title(o.title, notes),
      width: PLOT_W,
      height: PLOT_H,
      data: { values: [...points].sort((a, b) => a.x - b.x) },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y: { ...y, field: 'mean' }, color } },
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
        },
      ],
    } as never,
  };
}

/** The mean of a metric over a grid of two varied fields, one cell per combination, the value printed in it. */
export function sweepHeatChart(o: {
  title: string;
  rowLabel: string;
  colLabel: string;
  valueLabel: string;
  cells: { row: string; col: string; value: number }[];
}): Chart {
  const max = Math.max(1e-300, ...o.cells.map((c) => c.value));
  const cols = [...new Set(o.cells.map((c) => c.col))];
  const width = Math.min(PLOT_W, Math.max(120, cols.length * 80));
  const values = o.cells.map((c) => ({ ...c, text: formatNumber(Number(c.value.toPrecision(3))) }));
  return {
    chart: 'sweepHeat',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title(o.title, [`Mean over seeds; darkest: ${formatNumber(max)}.`], Math.max(width, PLOT_W)),
      width,
      height: { step: 28 },
      data: { values },
      encoding: {
        x: { field: 'col', type: 'ordinal', title: o.colLabel, sort: cols, axis: { labelAngle: 0 } },
        y: { field: 'row', type: 'ordinal', title: o.rowLabel, sort: [...new Set(o.cells.map((c) => c.row))] },
      },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            color: {
              field: 'value',
              type: 'quantitative',
              title: o.valueLabel,
              scale: { domain: [0, max], range: HEAT },
            },
          },
        },
        { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'text' } } },
      ],
    } as never,
  };
}
