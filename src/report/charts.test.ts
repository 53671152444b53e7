import { describe, expect, it } from 'vitest';
import {
  barChart,
  cdfChart,
  formatBytes,
  formatNumber,
  formatPercent,
  heatColor,
  heatMap,
  lineChart,
  niceMax,
} from './charts.ts';

const marks = (svg: string) => (svg.match(/class="mark[ "]/g) ?? []).length;
/** Numbers of an attribute over every element that has it. */
const attrs = (svg: string, name: string) =>
  [...svg.matchAll(new RegExp(` ${name}="([-0-9.]+)"`, 'g'))].map((m) => Number(m[1]));

describe('SVG chart primitives', () => {
  it('a line chart draws one path per series and a circle per point, inside a chart svg', () => {
    const svg = lineChart({
      chart: 'busbw',
      title: 'Bus bandwidth',
      x: { label: 'message size (bytes, log2 axis)', kind: 'log2', format: formatBytes },
      y: { label: 'bus bandwidth (GB/s)', min: 0 },
      series: [
        {
          label: 'ring',
          points: [
            [1024, 1],
            [2048, 2],
            [4096, 3],
          ],
        },
        {
          label: 'tree',
          points: [
            [1024, 2],
            [4096, 4],
          ],
        },
      ],
    });
    expect(svg).toMatch(/^<svg class="chart" data-chart="busbw"/);
    expect((svg.match(/<path class="mark line"/g) ?? []).length).toBe(2);
    expect((svg.match(/<circle class="mark point"/g) ?? []).length).toBe(5);
    // Axis titles with units and the power-of-two tick labels.
    expect(svg).toContain('message size (bytes, log2 axis)');
    expect(svg).toContain('bus bandwidth (GB/s)');
    for (const t of ['1 KiB', '2 KiB', '4 KiB']) expect(svg).toContain(`>${t}<`);
    expect(svg).toContain('>ring<');
  });

  it('a log2 axis puts successive powers of two equally far apart', () => {
    const svg = lineChart({
      chart: 't',
      title: '',
      x: { label: 'x', kind: 'log2' },
      y: { label: 'y' },
      series: [
        {
          label: 's',
          points: [
            [1, 0],
            [2, 1],
            [4, 2],
            [8, 3],
          ],
        },
      ],
    });
    const cx = attrs(svg, 'cx');
    expect(cx).toHaveLength(4);
    const gaps = cx.slice(1).map((x, i) => x - cx[i]);
    for (const g of gaps) expect(Math.abs(g - gaps[0])).toBeLessThan(0.2);
  });

  it('a log axis with zero shows "0" as its own tick left of a break, and draws the zero point there', () => {
    const svg = lineChart({
      chart: 'lossSweep',
      title: 'loss',
      x: { label: 'loss rate', kind: 'log10', zero: true },
      y: { label: 'iteration time (ms)', min: 0 },
      series: [
        {
          label: 'PFC on',
          points: [
            [0, 10],
            [1e-5, 11],
            [1e-4, 12],
            [1e-3, 20],
          ],
        },
      ],
    });
    expect(marks(svg)).toBe(5);
    for (const t of ['0', '1e-5', '1e-4', '1e-3']) expect(svg).toContain(`>${t}<`);
    const cx = attrs(svg, 'cx');
    // The zero point sits at the left edge of the plot, the others on the log scale to its right.
    expect(cx[0]).toBeLessThan(cx[1] - 30);
    // ...and is not joined to them by a line across the break.
    expect(svg).toMatch(/class="mark line" d="M[0-9.]+,[0-9.]+M[0-9.]+,[0-9.]+L/);
    // Without `zero` the 0 point cannot be drawn on a log axis and is left out.
    const noZero = lineChart({
      chart: 'x',
      title: '',
      x: { label: 'loss', kind: 'log10' },
      y: { label: 'y' },
      series: [
        {
          label: 's',
          points: [
            [0, 1],
            [1e-4, 2],
          ],
        },
      ],
    });
    expect(attrs(noZero, 'cx')).toHaveLength(1);
  });

  it('a CDF is a step line from probability 0 to 1 on a log x axis', () => {
    const svg = cdfChart({
      chart: 'inference-cdf',
      title: 'latency',
      x: { label: 'latency (ms, log axis)' },
      series: [
        {
          label: 'run',
          cdf: [
            [0.5, 10],
            [0.9, 100],
            [1, 1000],
          ],
        },
      ],
    });
    expect(svg).toContain('data-chart="inference-cdf"');
    expect(svg).toContain('probability (CDF)');
    expect(svg).toMatch(/<path class="mark line" d="M[0-9.,]+H/);
    for (const t of ['10', '100', '1000']) expect(svg).toContain(`>${t}<`);
  });

  it('grouped bars: one rect per group per series, heights proportional to the values', () => {
    const svg = barChart({
      chart: 'inference-ttft',
      title: 'TTFT',
      groups: ['p50', 'p99'],
      xLabel: 'percentile',
      y: { label: 'TTFT (ms)' },
      series: [
        { label: 'a', values: [10, 40] },
        { label: 'b', values: [20, 80] },
      ],
    });
    expect((svg.match(/<rect class="mark bar"/g) ?? []).length).toBe(4);
    const heights = [...svg.matchAll(/class="mark bar"[^>]* height="([0-9.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[1] / heights[0]).toBeCloseTo(4, 1);
    expect(heights[3] / heights[2]).toBeCloseTo(4, 1);
  });

  it('a heat map draws a cell per link with its colour and a colour scale legend', () => {
    const svg = heatMap({
      chart: 'links',
      title: 'utilization',
      valueLabel: 'utilization',
      rows: [
        {
          label: 'host-leaf',
          cells: [
            { label: 'h0 -> leaf0', value: 0 },
            { label: 'leaf0 -> h0', value: 1 },
          ],
        },
        { label: 'leaf-spine', cells: [{ label: 'leaf0 -> spine0', value: 0.5 }] },
      ],
    });
    expect((svg.match(/<rect class="mark cell"/g) ?? []).length).toBe(3);
    expect(svg).toContain(`fill="${heatColor(1)}"`);
    expect(svg).toContain('<g class="legend">');
    for (const t of ['0%', '50%', '100%']) expect(svg).toContain(`>${t}<`);
    // A row with more cells than fit across wraps onto more lines instead of shrinking cells to nothing.
    const many = heatMap({
      chart: 'links',
      title: '',
      valueLabel: 'u',
      rows: [{ label: 'host-leaf', cells: Array.from({ length: 1000 }, (_, i) => ({ label: `l${i}`, value: 0.3 })) }],
    });
    expect(Math.min(...attrs(many, 'width').filter((w) => w < 40))).toBeGreaterThanOrEqual(4);
  });

  it('heat colours go from pale to dark and clamp outside [0, 1]', () => {
    expect(heatColor(0)).toBe('#ffffcc');
    expect(heatColor(1)).toBe('#800026');
    expect(heatColor(2)).toBe('#800026');
    expect(heatColor(-1)).toBe('#ffffcc');
    expect(niceMax(0.0013)).toBe(0.002);
    expect(niceMax(0.7)).toBe(1);
  });

  it('escapes text: labels with markup come out as text', () => {
    const svg = lineChart({
      chart: 'x"><script>',
      title: '<b>t</b> & "q"',
      x: { label: "a<'x'>" },
      y: { label: 'y&z' },
      series: [
        {
          label: '<img src=x onerror=alert(1)>',
          points: [
            [1, 1],
            [2, 2],
          ],
        },
      ],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;t&lt;/b&gt; &amp; &quot;q&quot;');
    expect(svg).toContain('a&lt;&apos;x&apos;&gt;');
  });

  it('degenerate data (no points, one point, all equal) still gives a valid chart', () => {
    for (const points of [
      [],
      [[5, 5]],
      [
        [1, 3],
        [2, 3],
      ],
    ] as [number, number][][]) {
      const svg = lineChart({
        chart: 'd',
        title: '',
        x: { label: 'x' },
        y: { label: 'y' },
        series: [{ label: 's', points }],
      });
      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(svg.endsWith('</svg>')).toBe(true);
    }
  });

  it('number formats: compact numbers, bytes in powers of 1024 when whole, percents', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1e-5)).toBe('1e-5');
    expect(formatNumber(2.5e-4)).toBe('2.5e-4');
    expect(formatNumber(15000)).toBe('15k');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(64 * 2 ** 20)).toBe('64 MiB');
    expect(formatBytes(1.5e6)).toBe('1.5 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0.034)).toBe('3.4%');
    expect(formatPercent(0.0012)).toBe('0.12%');
  });
});
