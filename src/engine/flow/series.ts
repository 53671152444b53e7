// Per-link byte series of the flow engine (RunOptions.linkSeries): the bytes each directed link carried in each
// window of `windowPs`. A flow's rate is constant between two of its rate changes, so every credit of bytes to
// a flow (engine's advance, drain, and the bookings of solo and exclusive repetitions) is a known rate over a
// known interval, spread over the windows it overlaps: the series are exact, and each link's series sums to its
// `bytes` in the link statistics. Chained repetitions (chain.ts) are booked as they are chained. Taken back
// where the engine takes bytes back (a solo run that ends early, a chained repetition undone, a run that stops
// mid-send). Left out: the inference simulator's fluid network.
import type { Fabric } from '../../fabric/types.ts';
import type { LinkSeries } from '../../result/types.ts';

export interface LinkSeriesOptions {
  /** Window length, ps (> 0). */
  windowPs: number;
  /** Only links from a host to its switch (the NIC's send side). */
  hostLinksOnly?: boolean;
}

/** The recorder: one growable row of windows per recorded directed link. */
export class SeriesRecorder {
  readonly windowPs: number;
  /** Directed link -> row, or -1 when the link is not recorded. */
  readonly row: Int32Array;
  readonly links: number[] = [];
  rows: Float64Array[] = [];
  windows = 0;

  constructor(f: Fabric, opts: LinkSeriesOptions) {
    if (!(opts.windowPs > 0)) throw new Error(`linkSeries.windowPs must be > 0, got ${opts.windowPs}`);
    this.windowPs = opts.windowPs;
    this.row = new Int32Array(2 * f.links.length).fill(-1);
    for (const l of f.links)
      for (const d of [2 * l.id, 2 * l.id + 1]) {
        const from = d & 1 ? l.b : l.a;
        if (opts.hostLinksOnly && f.nodes[from].role !== 'host') continue;
        this.row[d] = this.links.length;
        this.links.push(d);
        this.rows.push(new Float64Array(64));
      }
  }

  /** Adds `bytes` sent at a constant rate over [t0, t1] (ps) to directed link d's windows. */
  add(d: number, t0: number, t1: number, bytes: number): void {
    const r = this.row[d];
    if (r < 0 || bytes === 0) return;
    const w = this.windowPs;
    const first = Math.floor(t0 / w);
    const last = t1 > t0 ? Math.max(first, Math.ceil(t1 / w) - 1) : first;
    let row = this.rows[r];
    if (last >= row.length) {
      const grown = new Float64Array(Math.max(2 * row.length, last + 1));
      grown.set(row);
      this.rows[r] = grown;
      row = grown;
    }
    if (last + 1 > this.windows) this.windows = last + 1;
    if (last === first) {
      row[first] += bytes;
      return;
    }
    const rate = bytes / (t1 - t0);
    for (let k = first; k <= last; k++) {
      const a = Math.max(k * w, t0);
      const b = Math.min((k + 1) * w, t1);
      row[k] += rate * (b - a);
    }
  }

  result(f: Fabric): LinkSeries {
    const links: LinkSeries['links'] = [];
    for (let r = 0; r < this.links.length; r++) {
      const d = this.links[r];
      const l = f.links[d >> 1];
      const [from, fromPort, to, toPort] = d & 1 ? [l.b, l.bPort, l.a, l.aPort] : [l.a, l.aPort, l.b, l.bPort];
      const bytes = Array.from(this.rows[r].subarray(0, this.windows));
      if (!bytes.some((b) => b > 0)) continue;
      links.push({ link: `${f.nodes[from].name}:${fromPort} -> ${f.nodes[to].name}:${toPort}`, bytes });
    }
    return { windowPs: this.windowPs, links };
  }
}
