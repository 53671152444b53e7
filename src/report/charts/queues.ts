// Egress queue occupancy over time at a run's busiest ports, as steps between samples. The time axis spans the
// samples (not the run from 0: a queue sampled only while traffic flowed would leave most of the plot empty);
// the subtitle gives the peak and the pause totals. Ports whose samples coincide are drawn once (overlap.ts).
// Left out: per-class queues (the sampled total is drawn).
import { formatSize } from '../../base/units.ts';
import type { ReportInput } from '../input.ts';
import { mergeCoincident } from './overlap.ts';
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, linearTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export type QueueInput = NonNullable<ReportInput['queues']>[number];

/** Null when no port was sampled. */
export function queueChart(q: QueueInput): Chart | null {
  const sampled = q.ports
    .filter((p) => p.series.length > 0)
    .map((p) => ({
      label: `${p.port} -> ${p.peer}`,
      points: p.series.map(([t, b]) => [t / 1e6, b] as [number, number]),
    }));
  if (sampled.length === 0) return null;
  const { series, notes } = mergeCoincident(sampled);
  const rows = series.flatMap((s) => s.points.map(([us, bytes]) => ({ us, bytes, port: s.label })));
  // The peak is named by its own port, before ports that coincide were joined.
  const all = sampled.flatMap((s) => s.points.map(([us, bytes]) => ({ us, bytes, port: s.label })));
  const peak = all.reduce((m, r) => (r.bytes > m.bytes ? r : m), all[0]);
  const ts = rows.map((r) => r.us);
  const x = linearTicks(Math.min(...ts), Math.max(...ts));
  const y = linearTicks(0, peak.bytes);
  const pause = `PFC pause frames ${q.pauseFrames.toLocaleString('en-US')}, time paused (summed over ports and classes) ${formatNumber(q.pausedPs / 1e6)} us`;
  return {
    chart: 'queues',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title(`Queue occupancy: ${q.label}`, [
        `Peak ${formatSize(peak.bytes)} at ${peak.port}, ${formatNumber(peak.us)} us; ${pause}.`,
        ...notes,
      ]),
      width: PLOT_W,
      height: PLOT_H,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: {
          field: 'us',
          type: 'quantitative',
          title: 'time (us)',
          scale: { domain: x.domain, nice: false },
          axis: ticks(x.values, formatNumber),
        },
        y: {
          field: 'bytes',
          type: 'quantitative',
          title: 'queue occupancy (bytes)',
          scale: { domain: y.domain },
          axis: ticks(y.values, formatSize),
        },
        color: { field: 'port', type: 'nominal', title: null, sort: series.map((s) => s.label) },
      },
    } as never,
  };
}
