// Series that would hide each other. Two series with the same x values whose y values differ nowhere by more
// than a pixel's worth of the axis are one line on the page: the later one covers the earlier. They are drawn
// once, under a joined label, and the chart says so in a note. Left out: partial overlaps (the CDF draws its
// baseline wider, underneath, instead: cdf.ts).

export interface XYSeries {
  label: string;
  points: [number, number][];
}

/** 1 px of a 240 px plot: closer than this, two lines are drawn on the same pixels. */
export const PIXEL_SHARE = 1 / 240;

function coincide(a: XYSeries, b: XYSeries, tol: number): boolean {
  if (a.points.length !== b.points.length || a.points.length === 0) return false;
  return a.points.every(([x, y], i) => x === b.points[i][0] && Math.abs(y - b.points[i][1]) <= tol);
}

/** Merges coincident series (points sorted by x); returns the series to draw and a note per merged group. */
export function mergeCoincident<T extends XYSeries>(series: T[]): { series: T[]; notes: string[] } {
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const span = ys.length > 0 ? Math.max(...ys) - Math.min(0, ...ys) : 0;
  const tol = (span > 0 ? span : 1) * PIXEL_SHARE;
  const out: T[] = [];
  const notes: string[] = [];
  const used = new Set<number>();
  series.forEach((s, i) => {
    if (used.has(i)) return;
    const same = series.map((t, j) => (j > i && !used.has(j) && coincide(s, t, tol) ? j : -1)).filter((j) => j >= 0);
    if (same.length === 0) {
      out.push(s);
      return;
    }
    for (const j of same) used.add(j);
    const labels = [s.label, ...same.map((j) => series[j].label)];
    const joined = `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
    // A legend entry stays one short line; the note names them all.
    const short = labels.length === 2 ? joined : `${labels[0]} and ${labels.length - 1} more`;
    out.push({ ...s, label: `${short} (the same)` });
    notes.push(`${joined} coincide at every point (within a pixel): drawn as one line.`);
  });
  return { series: out, notes };
}
