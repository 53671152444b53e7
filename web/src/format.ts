// Number formats of the page, as the CLI's text output writes them (src/report/plan.ts, src/base/units.ts).
export const usd = (x: number): string => `$${Math.round(x).toLocaleString('en-US')}`;
export const count = (x: number): string => x.toLocaleString('en-US');
export const kw = (w: number): string => `${(w / 1000).toFixed(1)} kW`;
export const tbps = (gbps: number): string => (gbps >= 1000 ? `${(gbps / 1000).toFixed(1)} Tb/s` : `${gbps} Gb/s`);
/** Simulated time from picoseconds. */
export const simTime = (ps: number): string =>
  ps >= 1e12
    ? `${(ps / 1e12).toFixed(3)} s`
    : ps >= 1e9
      ? `${(ps / 1e9).toFixed(3)} ms`
      : `${(ps / 1e6).toFixed(1)} us`;
export const ratio = (x: number): string => `${Number(x.toFixed(2))}:1`;
