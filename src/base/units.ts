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

// ---- For people: one formatter per quantity, used by the CLI text, the report's tables and its charts' axes.

/** Three significant digits, no trailing zeros: 61.0352 -> `61`, 4.158 -> `4.16`, 1234 -> `1234`. */
function sig3(x: number): string {
  return String(Number(x.toPrecision(3)));
}

const BINARY = [
  ['TiB', 1024 ** 4],
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const;
const DECIMAL = [
  ['TB', 1e12],
  ['GB', 1e9],
  ['MB', 1e6],
  ['KB', 1e3],
] as const;

/**
 * A size for people: a whole number of the largest binary unit it reaches when it is one (`4 MiB` messages,
 * `4 KiB` pages), else three significant digits of a decimal unit (a 64,000,000-byte buffer is `64 MB`, not
 * `61.035 MiB`). KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024, as `parseBytes` reads them.
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const a = Math.abs(bytes);
  for (const [u, m] of BINARY)
    if (a >= m) {
      if (Number.isInteger(bytes / m)) return `${bytes / m} ${u}`;
      break;
    }
  for (const [u, m] of DECIMAL) if (a >= m) return `${sig3(bytes / m)} ${u}`;
  return `${sig3(bytes)} B`;
}

export type PowerUnit = 'W' | 'kW' | 'MW';

/** The unit a column of powers is printed in: the one its largest value needs (one unit per column). */
export function powerUnit(maxW: number): PowerUnit {
  return maxW >= 1e6 ? 'MW' : maxW >= 10_000 ? 'kW' : 'W';
}

/** A power in one unit (`450 W`, `40.1 kW`); give the unit to print a whole column alike. */
export function formatPower(w: number, unit: PowerUnit = powerUnit(w)): string {
  if (unit === 'W') return `${Math.round(w).toLocaleString('en-US')} W`;
  const v = w / (unit === 'kW' ? 1e3 : 1e6);
  // Small rows of a kW column keep their watts: 0.013 kW, not 0.0 kW.
  const digits = Math.abs(v) >= 10 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: digits })} ${unit}`;
}

/** A count with its noun: `1 group`, `2 groups`, `8,192 hosts` (plural: the noun's plural when not `s`). */
export function formatCount(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/** A share as a percent: two significant digits below 10% (`0.12%`, `3.4%`), whole above (`56%`). */
export function formatPercent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  const a = Math.abs(p);
  return `${a >= 10 ? p.toFixed(0) : a >= 1 ? p.toFixed(1) : String(Number(p.toPrecision(2)))}%`;
}
