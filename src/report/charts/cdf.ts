// Empirical CDFs of request latency and time to first token, one colour per run, solid for latency and dashed
// for TTFT. The first run (the baseline) is drawn first, wide and pale, and every other run thin on top of it:
// where a fault changed nothing the runs coincide, and the baseline still shows as the band around the thin
// line instead of being hidden under it. Left out: confidence bands.
import type { Chart } from './render.ts';
import { CONFIG, formatNumber, logTicks, PLOT_H, PLOT_W, ticks, title } from './theme.ts';

export interface CdfRun {
  label: string;
  /** [probability, value in ms] pairs as the result stores them (`cdfMs`). */
  latency: [number, number][];
  ttft: [number, number][];
}

export function cdfChart(runs: CdfRun[]): Chart | null {
  const rows = runs.flatMap((r, i) =>
    (
      [
        ['latency', r.latency],
        ['TTFT', r.ttft],
      ] as const
    ).flatMap(([what, cdf]) =>
      [...cdf]
        .filter(([, v]) => v > 0)
        .sort((a, b) => a[1] - b[1] || a[0] - b[0])
        .map(([p, ms]) => ({ ms, share: p * 100, run: r.label, what, base: i === 0 })),
    ),
  );
  if (rows.length === 0) return null;
  const ms = rows.map((r) => r.ms);
  const x = logTicks(Math.min(...ms), Math.max(...ms), 10);
  const notes =
    runs.length > 1
      ? [
          `${runs[0].label} is the wide pale line, drawn first: where the other runs coincide with it, they are the thin line inside it.`,
        ]
      : [];
  const line = (base: boolean) => ({
    transform: [{ filter: base ? 'datum.base' : '!datum.base' }],
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: base ? 5 : 1.5, opacity: base ? 0.45 : 1 },
  });
  return {
    chart: 'inference-cdf',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: title('Request latency and time to first token (CDF)', notes),
      width: PLOT_W,
      height: PLOT_H,
      data: { values: rows },
      encoding: {
        x: {
          field: 'ms',
          type: 'quantitative',
          title: 'time (ms, log axis)',
          scale: { type: 'log', domain: x.domain },
          axis: ticks(x.values, formatNumber),
        },
        y: {
          field: 'share',
          type: 'quantitative',
          title: 'requests completed within (%)',
          scale: { domain: [0, 100] },
          axis: ticks([0, 20, 40, 60, 80, 100], (v) => `${v}%`),
        },
        color: { field: 'run', type: 'nominal', title: null, sort: runs.map((r) => r.label) },
        strokeDash: {
          field: 'what',
          type: 'nominal',
          title: null,
          scale: {
            domain: ['latency', 'TTFT'],
            range: [
              [1, 0],
              [6, 4],
            ],
          },
        },
      },
      layer:
        runs.length > 1
          ? [line(true), line(false)]
          : [{ mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 } }],
    } as never,
  };
}
