// Small SVG chart primitives for the HTML report (issue 6): axes with ticks and units, linear and log scales
// (a log axis can show 0 as its own tick left of a break), line charts and CDFs, grouped bars and a heat map.
// Pure functions from numbers to SVG strings: no DOM, no fonts measured, the same input gives the same string.
// Every drawn datum carries class "mark" and every chart is `<svg class="chart" data-chart="...">`, so a test
// can check that each chart drew something.
import { escapeXml } from './diagram.ts';

const FONT = 'DejaVu Sans, Verdana, Arial, Helvetica, sans-serif';
/** Okabe-Ito colours (readable by colour-blind readers), yellow left out (too faint on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];
/** A log axis that shows 0 keeps this many pixels left of the break for the "0" tick. */
const ZERO_GAP = 44;

export type AxisKind = 'linear' | 'log2' | 'log10';

export interface AxisSpec {
  /** Axis title with its unit, e.g. `message size (bytes, log2)`. */
  label: string;
  kind?: AxisKind;
  /** On a log axis: value 0 is drawn at the left (bottom) end as its own tick, beyond an axis break. */
  zero?: boolean;
  /** Tick label text (default: a compact number). */
  format?: (v: number) => string;
  /** Fixed domain ends (else taken from the data, rounded outwards). */
  min?: number;
  max?: number;
}

export interface Series {
  label: string;
  /** [x, y] pairs; points a log axis cannot show (x <= 0 without `zero`) are left out. */
  points: [number, number][];
  color?: string;
  dashed?: boolean;
  /** Draw as a step function (CDFs, sampled queues): horizontal then vertical. */
  step?: boolean;
  /** Circles at the points (default: when a series has at most 40 points). */
  markers?: boolean;
  /** Vertical bars [x, low, high] (a sweep's spread over seeds). */
  errorBars?: [number, number, number][];
}

interface Scale {
  map: (v: number) => number;
  ticks: { v: number; label: string }[];
  /** Pixel position of an axis break (log axis with a 0 tick). */
  breakAt?: number;
  /** Whether a value can be drawn. */
  ok: (v: number) => boolean;
}

const r1 = (x: number) => String(Math.round(x * 10) / 10);

/** A compact number: 0, 0.05, 12, 1.5k, 2M, 1e-5 (below 0.01 as a power of ten, as loss rates are written). */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a < 1e-2) {
    const e = Math.floor(Math.log10(a));
    const m = v / 10 ** e;
    return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${trim(m)}e${e}`;
  }
  return trim(v);
}

function trim(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** Bytes in powers of 1024 when they are whole (1 KiB, 64 MiB), else powers of 1000 (1.5 MB). */
export function formatBytes(v: number): string {
  if (v === 0) return '0';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  for (let i = units.length - 1; i >= 1; i--) {
    const q = v / 1024 ** i;
    if (q >= 1 && Number.isInteger(q)) return `${q} ${units[i]}`;
  }
  const si = ['B', 'KB', 'MB', 'GB', 'TB'];
  for (let i = si.length - 1; i >= 1; i--) if (v >= 1000 ** i) return `${trim(v / 1000 ** i)} ${si[i]}`;
  return `${trim(v)} B`;
}

/** 1, 2 or 5 times a power of ten, at least `x`. */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function linearScale(axis: AxisSpec, lo: number, hi: number, r0: number, r1: number): Scale {
  if (axis.min !== undefined) lo = Math.min(lo, axis.min);
  if (axis.max !== undefined) hi = Math.max(hi, axis.max);
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
    if (axis.min !== undefined) lo = axis.min;
  }
  const step = niceStep((hi - lo) / 5);
  const a = axis.min ?? Math.floor(lo / step + 1e-9) * step;
  const b = axis.max ?? Math.ceil(hi / step - 1e-9) * step;
  const fmt = axis.format ?? formatNumber;
  const ticks: Scale['ticks'] = [];
  for (let t = Math.ceil(a / step - 1e-9) * step; t <= b + step * 1e-9; t += step) {
    const v = Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12));
    ticks.push({ v, label: fmt(v) });
  }
  return { map: (v) => r0 + ((v - a) / (b - a)) * (r1 - r0), ticks, ok: Number.isFinite };
}

function logScale(axis: AxisSpec, lo: number, hi: number, r0: number, r1: number): Scale {
  const base = axis.kind === 'log2' ? 2 : 10;
  const lg = (v: number) => Math.log(v) / Math.log(base);
  if (!(lo > 0)) lo = hi > 0 ? hi / base : 1;
  if (!(hi > lo)) hi = lo * base;
  let e0 = Math.floor(lg(axis.min ?? lo) + 1e-9);
  let e1 = Math.ceil(lg(axis.max ?? hi) - 1e-9);
  if (e1 === e0) {
    e0 -= 1;
    e1 += 1;
  }
  const start = axis.zero ? r0 + Math.sign(r1 - r0) * ZERO_GAP : r0;
  const map = (v: number) => {
    if (v <= 0) return r0;
    return start + ((lg(v) - e0) / (e1 - e0)) * (r1 - start);
  };
  const fmt = axis.format ?? formatNumber;
  const ticks: Scale['ticks'] = [];
  if (axis.zero) ticks.push({ v: 0, label: fmt(0) });
  const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / 9));
  for (let e = e0; e <= e1; e += stride) ticks.push({ v: base ** e, label: fmt(base ** e) });
  // A decimal axis spanning less than two decades also gets 2 and 5 ticks, or it would have only two labels.
  if (base === 10 && e1 - e0 < 2)
    for (let e = e0; e < e1; e++)
      for (const m of [2, 5]) ticks.push({ v: m * 10 ** e, label: fmt(Number((m * 10 ** e).toPrecision(6))) });
  ticks.sort((p, q) => p.v - q.v);
  return {
    map,
    ticks,
    breakAt: axis.zero ? r0 + Math.sign(r1 - r0) * (ZERO_GAP / 2) : undefined,
    ok: (v) => Number.isFinite(v) && (v > 0 || (v === 0 && axis.zero === true)),
  };
}

function scale(axis: AxisSpec, values: number[], r0: number, r1: number): Scale {
  const kind = axis.kind ?? 'linear';
  const usable = kind === 'linear' ? values.filter(Number.isFinite) : values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = usable.length > 0 ? Math.min(...usable) : kind === 'linear' ? 0 : 1;
  const hi = usable.length > 0 ? Math.max(...usable) : kind === 'linear' ? 1 : 10;
  return kind === 'linear' ? linearScale(axis, lo, hi, r0, r1) : logScale(axis, lo, hi, r0, r1);
}

interface Box {
  width: number;
  left: number;
  right: number;
  top: number;
  plotH: number;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;
}

function svgOpen(chart: string, width: number, height: number, title: string): string {
  return (
    `<svg class="chart" data-chart="${escapeXml(chart)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${r1(height)}" ` +
    `width="${width}" height="${r1(height)}" font-family="${FONT}" font-size="12" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><rect class="bg" width="${width}" height="${r1(height)}" fill="#fff"/>` +
    (title ? text(width / 2, 18, title, 'text-anchor="middle" font-size="14" font-weight="bold"') : '')
  );
}

/** Axes, grid lines, ticks and axis titles around the plot box. */
function axes(b: Box, xs: Scale, ys: Scale, x: AxisSpec, y: AxisSpec, yTicks = true): string {
  const out: string[] = ['<g class="axes" stroke="#222" fill="#222">'];
  const bottom = b.top + b.plotH;
  const x1 = b.width - b.right;
  for (const t of ys.ticks) {
    const py = ys.map(t.v);
    out.push(`<line x1="${b.left}" x2="${x1}" y1="${r1(py)}" y2="${r1(py)}" stroke="#e3e3e3" stroke-width="1"/>`);
    if (yTicks) out.push(text(b.left - 6, py + 4, t.label, 'text-anchor="end" stroke="none"'));
  }
  for (const t of xs.ticks) {
    const px = xs.map(t.v);
    out.push(`<line x1="${r1(px)}" x2="${r1(px)}" y1="${bottom}" y2="${bottom + 5}" stroke-width="1"/>`);
    out.push(text(px, bottom + 18, t.label, 'text-anchor="middle" stroke="none"'));
  }
  out.push(`<line x1="${b.left}" x2="${x1}" y1="${bottom}" y2="${bottom}" stroke-width="1"/>`);
  out.push(`<line x1="${b.left}" x2="${b.left}" y1="${b.top}" y2="${bottom}" stroke-width="1"/>`);
  if (xs.breakAt !== undefined) {
    // Axis break: the 0 tick is not on the log scale.
    const bx = xs.breakAt;
    out.push(`<rect x="${r1(bx - 4)}" y="${bottom - 6}" width="8" height="12" fill="#fff" stroke="none"/>`);
    out.push(
      `<path d="M${r1(bx - 7)},${bottom + 5} l6,-10 M${r1(bx - 1)},${bottom + 5} l6,-10" fill="none" stroke-width="1"/>`,
    );
  }
  out.push(text(b.left + (x1 - b.left) / 2, bottom + 38, x.label, 'text-anchor="middle" stroke="none" font-size="13"'));
  const cy = b.top + b.plotH / 2;
  out.push(
    text(16, cy, y.label, `text-anchor="middle" stroke="none" font-size="13" transform="rotate(-90 16 ${r1(cy)})"`),
  );
  out.push('</g>');
  return out.join('');
}

/** Legend items laid out left to right, wrapping; returns the markup and the height it takes. */
function legend(
  items: { label: string; color: string; dashed?: boolean; box?: boolean }[],
  x0: number,
  y0: number,
  width: number,
): { svg: string; height: number } {
  if (items.length === 0) return { svg: '', height: 0 };
  const out: string[] = ['<g class="legend">'];
  let x = x0;
  let y = y0;
  for (const it of items) {
    // About 7 px per character at 12 px: enough to keep labels apart without measuring fonts.
    const w = 28 + it.label.length * 7 + 18;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += 18;
    }
    out.push(
      it.box
        ? `<rect x="${r1(x)}" y="${r1(y - 9)}" width="20" height="10" fill="${it.color}"/>`
        : `<line x1="${r1(x)}" x2="${r1(x + 22)}" y1="${r1(y - 4)}" y2="${r1(y - 4)}" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(text(x + 28, y, it.label));
    x += w;
  }
  out.push('</g>');
  return { svg: out.join(''), height: y - y0 + 18 };
}

export interface LineChartOptions {
  /** The chart's name in `data-chart`, e.g. `busbw`. */
  chart: string;
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: Series[];
  /** View box width (the page scales it to the column). Default 600. */
  width?: number;
  /** Plot area height. Default 260. */
  plotHeight?: number;
}

/** A line chart (one path per series, circles at the points of short series) with a legend under it. */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 600;
  const b: Box = { width, left: 72, right: 34, top: 34, plotH: o.plotHeight ?? 260 };
  const colored = o.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  const xs = scale(
    o.x,
    colored.flatMap((s) => s.points.map((p) => p[0])),
    b.left,
    width - b.right,
  );
  const ys = scale(
    o.y,
    colored.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.errorBars ?? []).flatMap((e) => [e[1], e[2]])]),
    b.top + b.plotH,
    b.top,
  );
  const marks: string[] = [];
  for (const s of colored) {
    const pts = s.points.filter((p) => xs.ok(p[0]) && ys.ok(p[1]));
    if (pts.length === 0) continue;
    const d: string[] = [];
    pts.forEach(([px, py], i) => {
      const X = r1(xs.map(px));
      const Y = r1(ys.map(py));
      // A point at 0 on a broken log axis is not joined to the log scale's points: the gap has no distance.
      if (i === 0 || (xs.breakAt !== undefined && pts[i - 1][0] === 0)) d.push(`M${X},${Y}`);
      else if (s.step) d.push(`H${X}V${Y}`);
      else d.push(`L${X},${Y}`);
    });
    const label = escapeXml(s.label);
    if (pts.length > 1)
      marks.push(
        `<path class="mark line" d="${d.join('')}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${label}</title></path>`,
      );
    for (const [px, lo, hi] of s.errorBars ?? [])
      if (xs.ok(px) && ys.ok(lo) && ys.ok(hi))
        marks.push(
          `<line class="mark errorbar" x1="${r1(xs.map(px))}" x2="${r1(xs.map(px))}" y1="${r1(ys.map(lo))}" y2="${r1(ys.map(hi))}" stroke="${s.color}" stroke-width="1.5"><title>${label}: ${escapeXml(`${fmtX(o.y, lo)} .. ${fmtX(o.y, hi)}`)}</title></line>`,
        );
    if (s.markers ?? pts.length <= 40)
      for (const [px, py] of pts)
        marks.push(
          `<circle class="mark point" cx="${r1(xs.map(px))}" cy="${r1(ys.map(py))}" r="3" fill="${s.color}"><title>${label}: ${escapeXml(`${fmtX(o.x, px)}, ${fmtX(o.y, py)}`)}</title></circle>`,
        );
  }
  const lg = legend(
    colored.map((s) => ({ label: s.label, color: s.color, dashed: s.dashed })),
    b.left,
    b.top + b.plotH + 62,
    width - b.left - b.right,
  );
  const height = b.top + b.plotH + 50 + lg.height + 8;
  return `${svgOpen(o.chart, width, height, o.title)}${axes(b, xs, ys, o.x, o.y)}<g class="marks">${marks.join('')}</g>${lg.svg}</svg>`;
}

function fmtX(axis: AxisSpec, v: number): string {
  return (axis.format ?? formatNumber)(v);
}

export interface CdfOptions {
  chart: string;
  title: string;
  /** x axis (the quantity, with its unit); default log10. */
  x: AxisSpec;
  /** Each series: [probability, value] pairs as the result stores them (`cdfMs`). */
  series: { label: string; cdf: [number, number][]; color?: string; dashed?: boolean }[];
  width?: number;
}

/** An empirical CDF: x the value, y the probability 0..1, drawn as steps. */
export function cdfChart(o: CdfOptions): string {
  return lineChart({
    chart: o.chart,
    title: o.title,
    x: { kind: 'log10', ...o.x },
    y: { label: 'probability (CDF)', min: 0, max: 1 },
    series: o.series.map((s) => ({
      label: s.label,
      color: s.color,
      dashed: s.dashed,
      step: true,
      markers: false,
      points: [...s.cdf].sort((p, q) => p[1] - q[1] || p[0] - q[0]).map(([p, v]) => [v, p] as [number, number]),
    })),
    width: o.width,
  });
}

export interface BarChartOptions {
  chart: string;
  title: string;
  /** Category names along x (e.g. p50, p90, p99). */
  groups: string[];
  /** One bar per group per series. */
  series: { label: string; values: number[]; color?: string }[];
  y: AxisSpec;
  /** Axis title under the groups. */
  xLabel: string;
  width?: number;
}

/** Grouped vertical bars from 0, one colour per series, values printed above the bars when they fit. */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 600;
  const b: Box = { width, left: 72, right: 34, top: 34, plotH: 240 };
  const values = o.series.flatMap((s) => s.values).filter(Number.isFinite);
  const ys = scale({ ...o.y, kind: 'linear', min: 0 }, [0, ...values], b.top + b.plotH, b.top);
  const plotW = width - b.left - b.right;
  const groupW = plotW / Math.max(1, o.groups.length);
  const n = Math.max(1, o.series.length);
  const barW = Math.min(48, (groupW * 0.8) / n);
  const xs: Scale = {
    map: (i) => b.left + groupW * (i + 0.5),
    ticks: o.groups.map((g, i) => ({ v: i, label: g })),
    ok: () => true,
  };
  const fmt = o.y.format ?? formatNumber;
  const marks: string[] = [];
  o.series.forEach((s, si) => {
    const color = s.color ?? PALETTE[si % PALETTE.length];
    s.values.forEach((v, gi) => {
      if (!Number.isFinite(v) || gi >= o.groups.length) return;
      const x = xs.map(gi) - (n * barW) / 2 + si * barW;
      const y = ys.map(Math.max(0, v));
      const h = Math.max(0.5, b.top + b.plotH - y);
      marks.push(
        `<rect class="mark bar" x="${r1(x + 1)}" y="${r1(b.top + b.plotH - h)}" width="${r1(barW - 2)}" height="${r1(h)}" fill="${color}"><title>${escapeXml(`${s.label} ${o.groups[gi]}: ${fmt(v)}`)}</title></rect>`,
      );
      if (barW >= 30)
        marks.push(text(x + barW / 2, b.top + b.plotH - h - 4, fmt(v), 'text-anchor="middle" font-size="10"'));
    });
  });
  const lg = legend(
    o.series.map((s, i) => ({ label: s.label, color: s.color ?? PALETTE[i % PALETTE.length], box: true })),
    b.left,
    b.top + b.plotH + 62,
    plotW,
  );
  const height = b.top + b.plotH + 50 + lg.height + 8;
  return `${svgOpen(o.chart, width, height, o.title)}${axes(b, xs, ys, { label: o.xLabel }, o.y)}<g class="marks">${marks.join('')}</g>${lg.svg}</svg>`;
}

/** Light yellow (idle) to dark red (saturated): ColorBrewer YlOrRd stops. */
const HEAT = ['#ffffcc', '#fed976', '#fd8d3c', '#e31a1c', '#800026'];

/** The heat colour of a value in [0, 1] (clamped). */
export function heatColor(v: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (HEAT.length - 1);
  const i = Math.min(HEAT.length - 2, Math.floor(t));
  const f = t - i;
  const a = HEAT[i];
  const c = HEAT[i + 1];
  const ch = (k: number) =>
    Math.round(Number.parseInt(a.slice(k, k + 2), 16) * (1 - f) + Number.parseInt(c.slice(k, k + 2), 16) * f)
      .toString(16)
      .padStart(2, '0');
  return `#${ch(1)}${ch(3)}${ch(5)}`;
}

export interface HeatMapOptions {
  chart: string;
  title: string;
  /** One row per category (a tier pair); a row with more cells than fit wraps onto more lines. */
  rows: { label: string; cells: { label: string; value: number }[] }[];
  /** Scale legend title, e.g. `utilization`. */
  valueLabel: string;
  /** Cell tooltip and legend tick text (default: percent). */
  format?: (v: number) => string;
  /** The value drawn darkest (default 1): a lightly loaded fabric gets a finer scale instead of all pale cells. */
  max?: number;
  /** What a row's cells are, in its count under the label (default: links). */
  cellNoun?: string;
  width?: number;
}

/** A share as a percent with two significant digits below 10 %: 0%, 0.12%, 3.4%, 56%. */
export function formatPercent(v: number): string {
  const p = v * 100;
  if (p === 0) return '0%';
  return `${Math.abs(p) >= 10 ? p.toFixed(0) : Math.abs(p) >= 1 ? p.toFixed(1) : String(Number(p.toPrecision(2)))}%`;
}

/** The next of 1, 2, 5 times a power of ten at or above a share, at most 1 (a heat map's top colour). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  return Math.min(1, niceStep(v));
}

/** A heat map: cells coloured by a value in [0, 1], with the colour scale drawn as a legend. */
export function heatMap(o: HeatMapOptions): string {
  const width = o.width ?? 1200;
  const left = 170;
  const right = 20;
  const top = 34;
  const plotW = width - left - right;
  const fmt = o.format ?? formatPercent;
  const max = o.max ?? 1;
  const most = Math.max(1, ...o.rows.map((r) => r.cells.length));
  // At least 6 px per cell; a row with more links than that wraps.
  const cols = Math.min(most, Math.floor(plotW / 6));
  const cellW = Math.min(40, plotW / cols);
  const cellH = most <= cols ? 26 : 12;
  const marks: string[] = [];
  const labels: string[] = [];
  let y = top + 6;
  for (const row of o.rows) {
    const lines = Math.max(1, Math.ceil(row.cells.length / cols));
    const h = lines * cellH;
    labels.push(text(left - 8, y + Math.min(h, 26) / 2 + 4, row.label, 'text-anchor="end" font-size="12"'));
    const mean = row.cells.reduce((s, c) => s + c.value, 0) / Math.max(1, row.cells.length);
    labels.push(
      text(
        left - 8,
        y + Math.min(h, 26) / 2 + 17,
        `${row.cells.length} ${o.cellNoun ?? 'links'}, mean ${fmt(mean)}`,
        'text-anchor="end" font-size="10" fill="#555"',
      ),
    );
    row.cells.forEach((c, i) => {
      const cx = left + (i % cols) * cellW;
      const cy = y + Math.floor(i / cols) * cellH;
      marks.push(
        `<rect class="mark cell" x="${r1(cx)}" y="${r1(cy)}" width="${r1(Math.max(1, cellW - (cellW > 4 ? 1 : 0)))}" height="${cellH - 1}" fill="${heatColor(c.value / max)}"><title>${escapeXml(`${c.label}: ${fmt(c.value)}`)}</title></rect>`,
      );
    });
    y += Math.max(h, 34) + 8;
  }
  // The colour scale: 20 steps from 0 to max with ticks every quarter.
  const ly = y + 10;
  const lw = Math.min(360, plotW);
  const scaleSvg: string[] = ['<g class="legend">', text(left, ly - 2, o.valueLabel, 'font-size="12"')];
  for (let i = 0; i < 20; i++)
    scaleSvg.push(
      `<rect x="${r1(left + (i * lw) / 20)}" y="${r1(ly + 4)}" width="${r1(lw / 20 + 0.5)}" height="12" fill="${heatColor((i + 0.5) / 20)}"/>`,
    );
  scaleSvg.push(`<rect x="${left}" y="${r1(ly + 4)}" width="${lw}" height="12" fill="none" stroke="#888"/>`);
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    const x = left + v * lw;
    scaleSvg.push(`<line x1="${r1(x)}" x2="${r1(x)}" y1="${r1(ly + 16)}" y2="${r1(ly + 20)}" stroke="#222"/>`);
    scaleSvg.push(
      text(x, ly + 32, `${v === 1 && max < 1 ? '>= ' : ''}${fmt(v * max)}`, 'text-anchor="middle" font-size="11"'),
    );
  }
  scaleSvg.push('</g>');
  const height = ly + 42;
  return `${svgOpen(o.chart, width, height, o.title)}<g class="labels">${labels.join('')}</g><g class="marks">${marks.join('')}</g>${scaleSvg.join('')}</svg>`;
}
