import { describe, expect, it } from 'vitest';
import { busbwChart } from './busbw.ts';
import { cdfChart } from './cdf.ts';
import { flowsChart } from './flows.ts';
import { HEAT, linksChart } from './links.ts';
import { lossChart } from './loss.ts';
import { mergeCoincident } from './overlap.ts';
import { queueChart } from './queues.ts';
import { type Chart, renderChart } from './render.ts';
import { linearTicks, logTicks, PLOT_W, textWidthPx, wrap } from './theme.ts';

type Row = Record<string, unknown>;
const rows = (c: Chart) => (c.spec as unknown as { data: { values: Row[] } }).data.values;
/** The parts of a spec the tests read. */
interface SpecView {
  title: { subtitle?: string[] };
  encoding: { x: { field: string; scale: { domain: number[] } }; color: { scale: { domain: number[] } } };
  layer: { transform: { filter: string }[]; mark: { strokeWidth: number } }[];
}
const spec = (c: Chart) => c.spec as unknown as SpecView;
const subtitle = (c: Chart) => (spec(c).title.subtitle ?? []).join(' ');
/** Numbers of a path's `d` attribute. */
const pathsOf = (svg: string, role: string) =>
  [
    ...svg.matchAll(
      new RegExp(`class="mark-${role} role-mark[^"]*"[^>]*>((?:<path[^>]*>(?:<title>[^<]*</title></path>)?)+)`, 'g'),
    ),
  ].flatMap((m) => [...m[1].matchAll(/<path [^>]*d="([^"]+)"/g)].map((p) => p[1]));

describe('vega-lite charts (issue 15): specs built from results, drawn to SVG in Node', () => {
  it('renders to a tagged SVG with no browser: title, data-chart, axes with their unit', async () => {
    const svg = await renderChart(
      busbwChart([
        {
          label: 'ring',
          points: [1, 4, 16].map((m) => ({ bytes: m * 2 ** 20, busbwGBps: m })),
        },
      ]),
    );
    expect(svg).toMatch(/^<svg class="chart" data-chart="busbw" [^>]*role="img"/);
    expect(svg).toContain('<title>Bus bandwidth versus message size</title>');
    expect(svg).toContain('message size (bytes, log2 axis)');
    expect(svg).toContain('bus bandwidth (GB/s)');
    // Tick labels from src/base/units.ts, looked up inside the spec (no custom vega function needed).
    for (const t of ['1 MiB', '4 MiB', '16 MiB']) expect(svg).toContain(`>${t}<`);
    expect(pathsOf(svg, 'line')).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('a busbw series measured at fewer sizes than the chart shows is drawn as points, not a line, and says so', async () => {
    const c = busbwChart([
      { label: 'analytic', points: [1, 4, 16, 64].map((m) => ({ bytes: m * 2 ** 20, busbwGBps: m })) },
      { label: 'flow', points: [1, 64].map((m) => ({ bytes: m * 2 ** 20, busbwGBps: m })) },
    ]);
    expect(
      rows(c)
        .filter((r) => r.series === 'flow')
        .every((r) => r.joined === false),
    ).toBe(true);
    expect(
      rows(c)
        .filter((r) => r.series === 'analytic')
        .every((r) => r.joined === true),
    ).toBe(true);
    expect(subtitle(c)).toContain('flow: 2 sizes measured, drawn as open circles');
    const svg = await renderChart(c);
    expect(pathsOf(svg, 'line')).toHaveLength(1);
  });

  it('PFC on and off that coincide are one line with a note; ones a pixel apart stay two lines', () => {
    const sweep = (pfc: boolean, d: number) => ({
      label: `PFC ${pfc ? 'on' : 'off'}`,
      pfc,
      points: [0, 1e-5, 1e-4, 1e-3].map((loss, i) => ({ loss, iterationMs: 2.2 + 0.1 * i + (pfc ? 0 : d) })),
    });
    const same = lossChart([sweep(true, 0), sweep(false, 0)]);
    expect(new Set(rows(same).map((r) => r.series))).toEqual(new Set(['PFC on and PFC off (the same)']));
    expect(subtitle(same)).toContain('PFC on and PFC off coincide at every point');
    // The y span is 0 to 2.5 ms: 1/240 of it is about 0.01 ms, so 0.05 ms apart is five pixels.
    const apart = lossChart([sweep(true, 0), sweep(false, 0.05)]);
    expect(new Set(rows(apart).map((r) => r.series)).size).toBe(2);
    expect(subtitle(apart)).toBe('');
    expect(
      mergeCoincident([
        { label: 'a', points: [[1, 1]] },
        { label: 'b', points: [[2, 1]] },
      ]).series,
    ).toHaveLength(2);
  });

  it('loss 0 sits on the same (symlog) axis as the rates, with a tick of its own', async () => {
    const svg = await renderChart(
      lossChart([
        { label: 'PFC on', pfc: true, points: [0, 1e-4, 1e-3].map((loss, i) => ({ loss, iterationMs: 1 + i })) },
      ]),
    );
    for (const t of ['0', '1e-4', '1e-3']) expect(svg).toContain(`>${t}<`);
  });

  it('a queue chart spans its samples (not the run from 0) and gives the peak in its subtitle', () => {
    const c = queueChart({
      label: 'ring',
      ports: [
        {
          port: 'leaf0:eth1',
          peer: 'h0',
          series: [
            [1010e6, 66],
            [1250e6, 4224],
            [1970e6, 66],
          ],
        },
      ],
      pausedPs: 0,
      pauseFrames: 0,
    });
    expect(c).not.toBeNull();
    expect(spec(c!).encoding.x.scale.domain[0]).toBeGreaterThanOrEqual(1000);
    expect(subtitle(c!)).toContain('Peak 4.22 KB at leaf0:eth1 -> h0, 1250 us');
    expect(
      queueChart({ label: 'x', ports: [{ port: 'p', peer: 'h', series: [] }], pausedPs: 0, pauseFrames: 0 }),
    ).toBeNull();
  });

  it('the latency CDF draws the baseline first and wider, so a run that coincides with it cannot hide it', () => {
    const cdf = (m: number): [number, number][] => [0.1, 0.5, 1].map((p) => [p, m * (1 + p)]);
    const c = cdfChart([
      { label: 'baseline', latency: cdf(100), ttft: cdf(10) },
      { label: 'failure', latency: cdf(100), ttft: cdf(10) },
    ])!;
    const [under, over] = spec(c).layer;
    expect(under.transform[0].filter).toBe('datum.base');
    expect(under.mark.strokeWidth).toBeGreaterThan(over.mark.strokeWidth * 2);
    expect(subtitle(c)).toContain('baseline is the wide pale line');
    expect(Math.max(...rows(c).map((r) => r.share as number))).toBe(100);
  });

  it('link utilization is coloured on an absolute 0-100% scale (a 0.0001% load is pale, not dark)', async () => {
    const links = (u: number) => [{ link: 'h0 -> a0', tiers: 'host-access', rateGbps: 25, bytes: 1, utilization: u }];
    const c = linksChart({ label: 'inference', rows: [{ tiers: 'host-access', links: links(1e-6) }] })!;
    expect(spec(c).encoding.color.scale.domain).toEqual([0, 1]);
    const svg = await renderChart(c);
    // The palest stop of the scale, #ffffcc = rgb(255, 255, 204), give or take the interpolation's rounding.
    const fill = /<path d="[^"]+" fill="rgb\(([0-9]+), ([0-9]+), ([0-9]+)\)"><title>h0 -&gt; a0/.exec(svg);
    expect(fill?.slice(1).map(Number)).toEqual([255, 255, 204]);
    expect(HEAT[0]).toBe('#ffffcc');
    // Hover text: each cell names its link.
    expect(svg).toContain('<title>h0 -&gt; a0 (25G): 0.0001%</title>');
  });

  it('flows: one row per flow with its idle-fabric FCT up to 40 flows, a slowdown CDF beyond', () => {
    const f = (i: number) => ({ src: `h${i}`, dst: 'h0', bytes: 1e6, fctPs: 2e8 + i, idealFctPs: 1e8, slowdown: 2 });
    const few = flowsChart({ label: 'incast', flows: [1, 2, 3].map(f) })!;
    expect(rows(few)).toHaveLength(6);
    expect(subtitle(few)).toContain('median 2x');
    const many = flowsChart({ label: 'permutation', flows: Array.from({ length: 41 }, (_, i) => f(i)) })!;
    expect(spec(many).encoding.x.field).toBe('slowdown');
    expect(flowsChart({ label: 'x', flows: [{ ...f(1), fctPs: -1 }] })).toBeNull();
  });

  it('titles wrap to the plot width; ticks are round and cover the data', () => {
    const long = 'Queue occupancy: gradient all-reduce of the 32-GPU slice (ring, lossless run), PFC on';
    // Measured with DejaVu Sans' advance widths (bold, 14 px): no line wider than the plot, and the lines are
    // filled (two lines, not one word each).
    const lines = wrap(long, PLOT_W, 14, true);
    for (const line of lines) expect(textWidthPx(line, 14, true)).toBeLessThanOrEqual(PLOT_W);
    expect(lines).toHaveLength(2);
    // 'W' is 3.5 times as wide as 'i' in DejaVu Sans (1.0 vs 0.28 em): widths follow the letters, not a count.
    expect(textWidthPx('WWWW', 10) / textWidthPx('iiii', 10)).toBeCloseTo(0.989 / 0.278, 2);
    expect(wrap(long, PLOT_W, 14, true).join(' ')).toBe(long);
    expect(linearTicks(0, 33)).toEqual({ values: [0, 10, 20, 30, 40], domain: [0, 40] });
    expect(linearTicks(0, 0).domain).toEqual([0, 1]);
    expect(logTicks(2 ** 20, 2 ** 32, 2).values[0]).toBe(2 ** 20);
  });

  it('renders with eval and the Function constructor gone (a strict CSP forbids both): vega-interpreter runs the expressions', async () => {
    const c = lossChart([
      { label: 'PFC on', pfc: true, points: [0, 1e-4].map((loss, i) => ({ loss, iterationMs: 1 + i })) },
    ]);
    // The two globals a CSP without 'unsafe-eval' disables, reached as plain properties so they can be replaced.
    const g = globalThis as unknown as Record<'eval' | 'Function', unknown>;
    const saved = { eval: g.eval, Function: g.Function };
    const refuse = () => {
      throw new Error('code generation from strings refused');
    };
    try {
      // What a page with `script-src 'self'` does to eval and new Function: throws.
      g.eval = refuse;
      g.Function = refuse;
      expect(await renderChart(c)).toContain('iteration time (ms)');
    } finally {
      g.eval = saved.eval;
      g.Function = saved.Function;
    }
  });

  it('degenerate data (one point, all zero) still renders without a vega warning', async () => {
    for (const c of [
      busbwChart([{ label: 'one', points: [{ bytes: 1024, busbwGBps: 0 }] }]),
      lossChart([{ label: 'x', pfc: true, points: [{ loss: 0, iterationMs: 5 }] }]),
      queueChart({ label: 'q', ports: [{ port: 'p', peer: 'h', series: [[0, 0]] }], pausedPs: 0, pauseFrames: 0 })!,
    ]) {
      const svg = await renderChart(c);
      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(svg.endsWith('</svg>')).toBe(true);
    }
  });
});
