// `aifabric runs report`: a stored sweep as an HTML report. One metric (the first of busbw, p99 latency, max FCT and
// simulated time that any run has non-zero) over the varied fields: a line over the first numeric field, one line per
// combination of the others, the mean over seeds with the seeds' min..max as error bars; with exactly two varied
// fields, also a heat map of the mean. Failed runs are counted in a note, not drawn.
import { sweepHeatChart, sweepLineChart } from '../report/charts/sweep.ts';
import type { ReportInput } from '../report/input.ts';
import type { Result } from '../result/types.ts';
import { type PointMetrics, pointMetrics } from './metrics.ts';
import type { StoredRun } from './store.ts';
import { variedPaths } from './table.ts';

type Metric = 'busbwGBps' | 'p99LatencyMs' | 'maxFctUs' | 'simMs';
const METRICS: readonly { name: Metric; label: string }[] = [
  { name: 'busbwGBps', label: 'bus bandwidth (GB/s, lowest collective)' },
  { name: 'p99LatencyMs', label: 'p99 request latency (ms)' },
  { name: 'maxFctUs', label: 'slowest flow completion time (us)' },
  { name: 'simMs', label: 'simulated time (ms)' },
];

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

interface Cell {
  x: unknown;
  series: string;
  values: number[];
}

/** Mean and min..max of each (x, series) over its seeds. */
function cells(done: { point: Record<string, unknown>; m: PointMetrics }[], xPath: string, metric: Metric): Cell[] {
  const byKey = new Map<string, Cell>();
  for (const r of done) {
    const rest = Object.entries(r.point)
      .filter(([p]) => p !== xPath)
      .map(([p, v]) => `${p}=${text(v)}`)
      .join(', ');
    const k = `${text(r.point[xPath])}|${rest}`;
    const c = byKey.get(k) ?? { x: r.point[xPath], series: rest || 'all', values: [] };
    c.values.push(r.m[metric]);
    byKey.set(k, c);
  }
  return [...byKey.values()];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

function lineFigure(cs: Cell[], xPath: string, metric: (typeof METRICS)[number]) {
  const chart = sweepLineChart({
    title: `${metric.label} versus ${xPath}`,
    xLabel: xPath,
    yLabel: metric.label,
    points: cs.map((c) => ({
      x: c.x as number,
      series: c.series,
      mean: mean(c.values),
      lo: Math.min(...c.values),
      hi: Math.max(...c.values),
    })),
  });
  return { chart, caption: `${metric.label} against ${xPath}, one line per combination of the other varied fields.` };
}

function heatFigure(
  done: { point: Record<string, unknown>; m: PointMetrics }[],
  paths: string[],
  metric: (typeof METRICS)[number],
) {
  const [a, b] = paths;
  const grid = new Map<string, number[]>();
  for (const r of done) {
    const k = JSON.stringify([text(r.point[a]), text(r.point[b])]);
    grid.set(k, [...(grid.get(k) ?? []), r.m[metric.name]]);
  }
  const cells = [...grid].map(([k, v]) => {
    const [row, col] = JSON.parse(k) as [string, string];
    return { row, col, value: mean(v) };
  });
  const chart = sweepHeatChart({
    title: `${metric.label}: ${a} (rows) by ${b} (columns)`,
    rowLabel: a,
    colLabel: b,
    valueLabel: metric.label,
    cells,
  });
  return { chart, caption: `Mean over seeds of ${metric.label}.` };
}

/** A stored run as the report reads it: its sweep, point and metrics (null when it failed), as GET /api/runs gives it. */
export interface MetricsRun {
  sweep: string;
  point: Record<string, unknown>;
  metrics: PointMetrics | null;
}

/** The report of a set of stored runs. */
export function reportFromRuns(runs: StoredRun[]): ReportInput {
  return reportFromMetrics(
    runs.map((r) => ({
      sweep: r.sweep,
      point: r.point,
      metrics: r.result === undefined ? null : pointMetrics(JSON.parse(r.result) as Result),
    })),
  );
}

/** The same report from the runs' metrics alone (the web page's Runs page draws it from GET /api/runs). */
export function reportFromMetrics(runs: MetricsRun[]): ReportInput {
  const done = runs.flatMap((r) => (r.metrics === null ? [] : [{ point: r.point, m: r.metrics }]));
  const paths = variedPaths(runs);
  const metric = METRICS.find((m) => done.some((r) => r.m[m.name] !== 0)) ?? METRICS[3];
  const xPath = paths.find((p) => done.every((r) => typeof r.point[p] === 'number'));
  const figures: NonNullable<ReportInput['figures']> = [];
  if (xPath && done.length > 0) figures.push(lineFigure(cells(done, xPath, metric.name), xPath, metric));
  if (paths.length === 2 && done.length > 0) figures.push(heatFigure(done, paths, metric));
  const sweeps = [...new Set(runs.map((r) => r.sweep))].join(', ');
  const failed = runs.length - done.length;
  return {
    title: `Sweep ${sweeps}`,
    subtitle: `${runs.length} runs over ${paths.join(', ') || 'no varied field'}; ${failed} failed`,
    notes: [
      ...(xPath
        ? []
        : ['No varied field holds only numbers, so there is no line chart; the heat map and `runs ls` show them.']),
      ...(failed > 0 ? [`${failed} failed runs are not drawn (aifabric runs ls lists their errors).`] : []),
    ],
    figures,
  };
}
