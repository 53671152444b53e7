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
 * Advance widths of DejaVu Sans (the page's first font; Bitstream Vera's metrics, 2048 units per em), in em,
 * per character; 0.62 for one not listed. Bold is about 9% wider (DejaVu Sans Bold's digits 1425 vs 1303
 * units). Without a canvas vega would lay text out at 0.8 em a character (vega-scenegraph's estimateWidth),
 * about a third wider than drawn, which left every chart narrower than its figure.
 */
const ADVANCE: Record<string, number> = {
  ' ': 0.318,
  '.': 0.318,
  ',': 0.318,
  ':': 0.337,
  ';': 0.337,
  '(': 0.39,
  ')': 0.39,
  '-': 0.361,
  '/': 0.337,
  '%': 0.95,
  '>': 0.838,
  '<': 0.838,
  '+': 0.838,
  '=': 0.838,
  _: 0.5,
  "'": 0.275,
  '"': 0.46,
  '#': 0.838,
  '^': 0.838,
  '·': 0.318,
  x: 0.592,
  a: 0.613,
  b: 0.635,
  c: 0.55,
  d: 0.635,
  e: 0.615,
  f: 0.352,
  g: 0.635,
  h: 0.634,
  i: 0.278,
  j: 0.278,
  k: 0.579,
  l: 0.278,
  m: 0.974,
  n: 0.634,
  o: 0.612,
  p: 0.635,
  q: 0.635,
  r: 0.411,
  s: 0.521,
  t: 0.392,
  u: 0.634,
  v: 0.592,
  w: 0.818,
  y: 0.592,
  z: 0.525,
  A: 0.684,
  B: 0.686,
  C: 0.698,
  D: 0.77,
  E: 0.632,
  F: 0.575,
  G: 0.775,
  H: 0.752,
  I: 0.295,
  J: 0.295,
  K: 0.656,
  L: 0.557,
  M: 0.863,
  N: 0.748,
  O: 0.787,
  P: 0.603,
  Q: 0.787,
  R: 0.695,
  S: 0.635,
  T: 0.611,
  U: 0.732,
  V: 0.684,
  W: 0.989,
  X: 0.685,
  Y: 0.611,
  Z: 0.685,
};
const DIGIT = 0.636;
const BOLD = 1.09;
/** Rounding and hinting in the browser: measured text is taken 3% wider, so a fitted title never overflows. */
const MARGIN = 1.03;

/** Width in px of `s` set in DejaVu Sans at `fontPx`. */
export function textWidthPx(s: string, fontPx: number, bold = false): number {
  let em = 0;
  for (const ch of s) em += ch >= '0' && ch <= '9' ? DIGIT : (ADVANCE[ch] ?? 0.62);
  return em * fontPx * (bold ? BOLD : 1) * MARGIN;
}

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
  const lines: string[] = [];
  let line = '';
  for (const w of s.split(/\s+/).filter(Boolean)) {
    if (line && textWidthPx(`${line} ${w}`, fontPx, bold) > px) {
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
