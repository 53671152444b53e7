// What every chart shares: the page's font and colours, the plot size, titles wrapped to the chart's width, and
// axes whose ticks and labels are computed here (explicit values, labels from src/base/units.ts looked up in a
// vega expression), so a chart's numbers read the same as the tables and the CLI. Left out: interaction.
import type { Config } from 'vega-lite';

export const FONT = 'DejaVu Sans, Verdana, Arial, Helvetica, sans-serif';
/** Okabe-Ito colours (readable by colour-blind readers), yellow left out (too faint on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];
/** Plot area of a half-page chart, in px (the page scales the SVG to its column). */
export const PLOT_W = 460;
export const PLOT_H = 240;
const TITLE_PX = 14;
const SUBTITLE_PX = 12;
/**
 * Mean character width of DejaVu Sans text, in em (0.6 regular, 0.66 bold: its advance widths over English
 * text), used to wrap titles. vega itself, without a canvas, lays text out at 0.8 em a character
 * (vega-scenegraph's estimateWidth), wider than the browser draws it: a wrapped line never overflows.
 */
const EM_PER_CHAR = 0.6;
const EM_PER_CHAR_BOLD = 0.66;

export const CONFIG: Config = {
  font: FONT,
  background: '#ffffff',
  view: { stroke: null },
  range: { category: PALETTE },
  // Every tick given is labelled: vega would drop labels it thinks overlap by its 0.8 em estimate, which is
  // wider than the text drawn (ticks are spaced by linearTicks and logTicks instead).
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e3e3e3',
    labelLimit: 0,
    labelOverlap: false,
  },
  legend: {
    orient: 'bottom',
    direction: 'vertical',
    labelFontSize: 11,
    labelLimit: 0,
    titleLimit: 0,
    symbolStrokeWidth: 2.5,
  },
  title: {
    anchor: 'start',
    frame: 'group',
    fontSize: TITLE_PX,
    subtitleFontSize: SUBTITLE_PX,
    subtitleColor: '#333',
    offset: 10,
  },
};

/** Words of `s` in lines that fit `px` at `fontPx` (a word longer than a line gets a line of its own). */
export function wrap(s: string, px: number, fontPx: number, bold = false): string[] {
  const max = Math.max(8, Math.floor(px / (fontPx * (bold ? EM_PER_CHAR_BOLD : EM_PER_CHAR))));
  const lines: string[] = [];
  let line = '';
  for (const w of s.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + w.length > max) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/** A chart title wrapped to the plot width, with its notes (what the reader must know to read it) under it. */
export function title(text: string, notes: string[] = [], px = PLOT_W): { text: string[]; subtitle?: string[] } {
  const sub = notes.flatMap((n) => wrap(n, px, SUBTITLE_PX));
  return { text: wrap(text, px, TITLE_PX, true), ...(sub.length > 0 ? { subtitle: sub } : {}) };
}

/** Axis ticks at `values` labelled by `fmt`: the labels travel inside the spec as an expression's lookup table. */
export function ticks(values: number[], fmt: (v: number) => string): { values: number[]; labelExpr: string } {
  const table: Record<string, string> = {};
  for (const v of values) table[String(v)] = fmt(v);
  return { values, labelExpr: `${JSON.stringify(table)}[''+datum.value]` };
}

/** 1, 2 or 5 times a power of ten, at least `x`. */
export function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** About five round ticks covering [lo, hi], and the domain they span. */
export function linearTicks(lo: number, hi: number): { values: number[]; domain: [number, number] } {
  if (!(hi > lo)) {
    // One value: an axis from 0 when it is 0 (nothing below it to show), else 10% either side.
    const pad = Math.abs(lo) * 0.1;
    [lo, hi] = lo === 0 ? [0, 1] : [lo - pad, hi + pad];
  }
  const step = niceStep((hi - lo) / 5);
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  for (let t = a; t <= b + step * 1e-9; t += step)
    values.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return { values, domain: [a, b] };
}

/** Powers of `base` covering [lo, hi] (lo > 0), at most seven labelled (`128 MiB` needs about 50 px of a
 * 460 px axis), and the domain they span. */
export function logTicks(lo: number, hi: number, base: 2 | 10): { values: number[]; domain: [number, number] } {
  const lg = (v: number) => Math.log(v) / Math.log(base);
  let e0 = Math.floor(lg(lo) + 1e-9);
  let e1 = Math.ceil(lg(hi) - 1e-9);
  if (e1 === e0) [e0, e1] = [e0 - 1, e1 + 1];
  const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / 7));
  // The domain ends on a labelled tick.
  e1 = e0 + Math.ceil((e1 - e0) / stride) * stride;
  const values: number[] = [];
  for (let e = e0; e <= e1; e += stride) values.push(Number((base ** e).toPrecision(12)));
  return { values, domain: [base ** e0, base ** e1] };
}

/** A compact number for tick labels: 0, 0.05, 12, 1.5k, 2M, 1e-5 (loss rates are written as powers of ten). */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const t = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${t(v / 1e9)}G`;
  if (a >= 1e6) return `${t(v / 1e6)}M`;
  if (a >= 1e4) return `${t(v / 1e3)}k`;
  if (a < 1e-2) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${t(m)}e${e}`;
  }
  return t(v);
}
