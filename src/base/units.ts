// Units as people write them (`400G`, `1GiB`, `5us`), turned into the units used inside:
// bits per second, bytes, picoseconds. KB/MB/GB are powers of 1000; KiB/MiB/GiB powers of 1024
// (docs/architecture.md, "Time and units"). Not handled: negative values and binary rate prefixes (Gibps).

const SI: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
const IEC: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

const NUM = '([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)';

/** `400G`, `400Gbps`, `400 Gb/s`, `25e9` -> bits per second. Returns NaN if it does not parse. */
export function parseRateBps(input: string | number): number {
  if (typeof input === 'number') return input;
  const m = new RegExp(`^${NUM}\\s*([kKMGTP]?)(?:bps|b/s|bit/s|b)?$`).exec(input.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * SI[m[2]];
}

/** `20MB`, `1GiB`, `4096`, `5KB` -> bytes. Returns NaN if it does not parse. */
export function parseBytes(input: string | number): number {
  // Whole bytes, as a unit string gives them: a fractional MTU of 4096.5 broke the packet engine's byte count.
  if (typeof input === 'number') return Number.isFinite(input) ? Math.round(input) : input;
  const m = new RegExp(`^${NUM}\\s*(?:([kKMGTP]i|[kKMGTP])?B|B?)$`).exec(input.trim());
  if (!m) return Number.NaN;
  const p = m[2] ?? '';
  const mult = p.endsWith('i') ? IEC[p.length === 2 ? p[0].toUpperCase() + 'i' : p] : SI[p];
  const v = Number(m[1]) * mult;
  return Number.isInteger(v) ? v : Math.round(v);
}

const TIME_PS: Record<string, number> = { ps: 1, ns: 1e3, us: 1e6, µs: 1e6, ms: 1e9, s: 1e12, min: 60e12, h: 3600e12 };

/** `5us`, `350ms`, `1.5s` -> integer picoseconds. Returns NaN if it does not parse. */
export function parseTimePs(input: string | number): number {
  if (typeof input === 'number') return input;
  const m = new RegExp(`^${NUM}\\s*(ps|ns|us|µs|ms|s|min|h)$`).exec(input.trim());
  if (!m) return Number.NaN;
  return Math.round(Number(m[1]) * TIME_PS[m[2]]);
}

const LENGTH_M: Record<string, number> = { mm: 1e-3, cm: 1e-2, m: 1, km: 1e3 };

/** `3m`, `0.5km`, `30` (metres) -> metres. Returns NaN if it does not parse. */
export function parseLengthM(input: string | number): number {
  if (typeof input === 'number') return input;
  const m = new RegExp(`^${NUM}\\s*(mm|cm|m|km)?$`).exec(input.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * LENGTH_M[m[2] ?? 'm'];
}

/** `3`, `3:1`, `1.5:1` -> a ratio (down:up). NaN if it does not parse. */
export function parseRatio(input: string | number): number {
  if (typeof input === 'number') return input;
  const m = new RegExp(`^${NUM}(?:\\s*:\\s*${NUM})?$`).exec(input.trim());
  if (!m) return Number.NaN;
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
}

/** Formats a rate for people: 400000000000 -> `400G`, 1.024e14 -> `102.4T`. */
export function formatRate(bps: number): string {
  for (const [p, m] of [
    ['P', 1e15],
    ['T', 1e12],
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (bps >= m) return `${trim(bps / m)}${p}`;
  }
  return `${trim(bps)}`;
}

export function formatBytes(bytes: number): string {
  for (const [p, m] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= m && bytes % (m / 1024) === 0) return `${trim(bytes / m)}${p}`;
  }
  return `${bytes}B`;
}

function trim(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(3)));
}

/** Formats picoseconds in the largest unit that keeps three decimals: 1e9 -> `1ms`, 1500 -> `1.5ns`, 0 -> `0ps`. */
export function formatTimePs(ps: number): string {
  for (const [u, m] of [
    ['s', 1e12],
    ['ms', 1e9],
    ['us', 1e6],
    ['ns', 1e3],
  ] as const) {
    if (ps >= m) return `${trim(ps / m)}${u}`;
  }
  return `${trim(ps)}ps`;
}
