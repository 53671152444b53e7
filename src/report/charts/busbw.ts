// Bus bandwidth versus message size, one colour per series (engine, fabric). A series measured at every size
// the chart shows within its range is a line through its points; one measured at fewer sizes is drawn as open
// circles only, since a line would pass through sizes it never measured (said in a note). Left out: algbw.
import { formatSize } from '../../base/units.ts';
import type { ReportInput } from '../input.ts';
import { mergeCoincident } from './overlap.ts';
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, linearTicks, logTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export type BusbwInput = NonNullable<ReportInput['busbw']>;

/** Whether a series has a point at every size of `all` between its first and last point. */
function dense(sizes: number[], all: number[]): boolean {
  if (sizes.length < 2) return false;
  const have = new Set(sizes);
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  return all.filter((b) => b >= lo && b <= hi).every((b) => have.has(b));
}

export function busbwChart(input: BusbwInput): Chart {
  // Engines that agree (the flow engine on an idle fabric matches the closed form) would draw one line over
  // another: those are drawn once, with a note.
  const merged = mergeCoincident(
    input
      .filter((s) => s.points.some((p) => p.bytes > 0))
      .map((s) => ({
        label: s.label,
        points: [...s.points].sort((a, b) => a.bytes - b.bytes).map((p) => [p.bytes, p.busbwGBps] as [number, number]),
      })),
  );
  const series = merged.series.map((s) => ({
    label: s.label,
    points: s.points.map(([bytes, busbwGBps]) => ({ bytes, busbwGBps })),
  }));
  const all = [...new Set(series.flatMap((s) => s.points.map((p) => p.bytes)).filter((b) => b > 0))].sort(
    (a, b) => a - b,
  );
  const rows = series.flatMap((s) => {
    const joined = dense(
      s.points.map((p) => p.bytes),
      all,
    );
    return s.points
      .filter((p) => p.bytes > 0)
      .map((p) => ({ bytes: p.bytes, busbw: p.busbwGBps, series: s.label, joined }));
  });
  const notes = [
    ...merged.notes,
    ...series
      .filter(
        (s) =>
          !dense(
            s.points.map((p) => p.bytes),
            all,
          ),
      )
      .map(
        (s) =>
          `${s.label}: ${s.points.length === 1 ? 'one size' : `${s.points.length} sizes`} measured, drawn as open circles (a line would pass through sizes it did not measure).`,
      ),
  ];
  const x = logTicks(all[0] ?? 1, all[all.length - 1] ?? 2, 2);
  const y = linearTicks(0, Math.max(0, ...rows.map((r) => r.busbw)));
  const enc = {
    x: {
      field: 'bytes',
      type: 'quantitative',
      title: 'message size (bytes, log2 axis)',
      scale: { type: 'log', base: 2, domain: x.domain },
      axis: ticks(x.values, formatSize),
    },
    y: {
      field: 'busbw',
      type: 'quantitative',
      title: 'bus bandwidth (GB/s)',
      scale: { domain: y.domain },
      axis: ticks(y.values, formatNumber),
    },
    color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.label) },
    tooltip: [
      { field: 'series', title: 'series' },
      { field: 'bytes', title: 'bytes', format: ',' },
      { field: 'busbw', title: 'GB/s', format: '.3~f' },
    ],
  };
  return {
    chart: 'busbw',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title('Bus bandwidth versus message size', notes),
      width: PLOT_W,
      height: PLOT_H,
      data: { values: rows },
      encoding: enc,
      layer: [
        { transform: [{ filter: 'datum.joined' }], mark: { type: 'line', strokeWidth: 2, point: { size: 30 } } },
        { transform: [{ filter: '!datum.joined' }], mark: { type: 'point', size: 90, strokeWidth: 2, filled: false } },
      ],
    } as never,
  };
}
