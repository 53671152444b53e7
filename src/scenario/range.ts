// The allowed range of every numeric scenario field, declared once next to the field: one declaration gives the
// check, the message (the value, the range, the nearest valid value) and the scenario reference's `range` and `unit`
// columns (through the JSON Schema's `minimum`/`maximum` and `x-range`/`x-unit` keys). A field someone adds declares
// its range the same way: `num({ min: 1, max: 64, int: true })`, `size({ gt: 0 })`, `duration({ min: 0 })`.
// Not covered here: rules between fields (src/scenario/rules.ts) and limits that need the fabric or the catalog.
import { z } from 'zod';
import { formatRate, formatTimePs } from '../base/units.ts';
import { msg } from '../messages.ts';

/** What a unit value is measured in once parsed (bytes, picoseconds, bits per second); plain numbers have none. */
export type Unit = 'bytes' | 'time' | 'rate' | 'length';

export interface Range {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  gt?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound. */
  lt?: number;
  /** Whole numbers only (parsed sizes and times are whole bytes and picoseconds already). */
  int?: boolean;
}

/** 2^53: the largest whole number a JS number holds exactly; the default upper bound of sizes, times and rates. */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Bytes in the largest unit that holds them exactly (`400KB`, `1GiB`, `9216B`), so the text parses back to x. */
export function exactBytes(x: number): string {
  if (!Number.isInteger(x) || x === 0) return `${x}B`;
  for (const [u, m] of [
    ['GiB', 2 ** 30],
    ['GB', 1e9],
    ['MiB', 2 ** 20],
    ['MB', 1e6],
    ['KB', 1e3],
  ] as const)
    if (x % m === 0) return `${x / m}${u}`;
  return `${x}B`;
}

/** A value as people write it in this unit (and as the parsers read it back). */
export function formatIn(x: number, unit: Unit | undefined): string {
  if (unit === 'bytes') return exactBytes(x);
  if (unit === 'time') return formatTimePs(x);
  if (unit === 'rate') return formatRate(x);
  if (unit === 'length') return `${x}m`;
  return String(x);
}

/** `from 256B to 9KiB`, `greater than 0 and less than 1`, `a whole number at least 1`. */
export function describeRange(r: Range, unit?: Unit, showExactMax = false): string {
  const f = (x: number) => formatIn(x, unit);
  const parts: string[] = [];
  const lo = r.min !== undefined ? { x: r.min, incl: true } : r.gt !== undefined ? { x: r.gt, incl: false } : null;
  // 2^53 bounds every field (the exact whole numbers); it is said once in the reference, not on every row.
  const hi =
    r.max !== undefined && (r.max !== MAX_EXACT || showExactMax)
      ? { x: r.max, incl: true }
      : r.lt !== undefined
        ? { x: r.lt, incl: false }
        : null;
  if (lo?.incl && hi?.incl) parts.push(`from ${f(lo.x)} to ${f(hi.x)}`);
  else {
    if (lo) parts.push(`${lo.incl ? 'at least' : 'greater than'} ${f(lo.x)}`);
    if (hi) parts.push(`${hi.incl ? 'at most' : 'less than'} ${f(hi.x)}`);
  }
  const text = parts.join(' and ');
  return r.int ? `a whole number${text ? ` ${text}` : ''}` : text;
}

/** The valid value nearest to x, or undefined when there is none to name (an open bound on real numbers). */
export function nearestValid(x: number, r: Range, unit?: Unit): number | undefined {
  // Parsed sizes, times and rates are whole numbers, so an open bound has a nearest whole value beside it.
  const whole = r.int === true || unit !== undefined;
  if (r.min !== undefined && x < r.min) return whole ? Math.ceil(r.min) : r.min;
  if (r.gt !== undefined && x <= r.gt) return whole ? Math.floor(r.gt) + 1 : undefined;
  if (r.max !== undefined && x > r.max) return whole ? Math.floor(r.max) : r.max;
  if (r.lt !== undefined && x >= r.lt) return whole ? Math.ceil(r.lt) - 1 : undefined;
  if (r.int && !Number.isInteger(x)) return Math.round(x);
  return undefined;
}

export function inRange(x: number, r: Range): boolean {
  if (!Number.isFinite(x)) return false;
  if (r.int && !Number.isInteger(x)) return false;
  if (r.min !== undefined && x < r.min) return false;
  if (r.gt !== undefined && x <= r.gt) return false;
  if (r.max !== undefined && x > r.max) return false;
  if (r.lt !== undefined && x >= r.lt) return false;
  return true;
}

/** The message for a value out of its range; `written` is the value as the user wrote it. */
export function rangeMessage(x: number, written: unknown, r: Range, unit?: Unit): string {
  const near = nearestValid(x, r, unit);
  const shown = typeof written === 'string' ? `"${written}"` : String(written);
  // Above 2^53 the usually unsaid bound is the one crossed: say it.
  const range = describeRange(r, unit, x > MAX_EXACT);
  return msg.outOfRange(shown, range, near === undefined ? undefined : formatIn(near, unit));
}

/** JSON Schema keys that carry a range: standard ones for plain numbers, `x-range`/`x-unit` for the reference. */
export function rangeMeta(r: Range, unit?: Unit): Record<string, unknown> {
  const meta: Record<string, unknown> = { 'x-range': describeRange(r, unit) };
  if (unit) meta['x-unit'] = unit === 'bytes' ? 'bytes' : unit === 'time' ? 'time' : 'bit/s';
  else {
    if (r.min !== undefined) meta.minimum = r.min;
    if (r.gt !== undefined) meta.exclusiveMinimum = r.gt;
    if (r.max !== undefined) meta.maximum = r.max;
    if (r.lt !== undefined) meta.exclusiveMaximum = r.lt;
  }
  return meta;
}

/** A plain number in a range. Wrong types are zod's own issues; a number out of range gets rangeMessage. */
export function num(r: Range) {
  // Not zod's .int(): it adds its own safe-integer bounds, a second message for the same value.
  return z
    .number()
    .superRefine((x, ctx) => {
      if (r.int && Number.isFinite(x) && !Number.isInteger(x))
        ctx.addIssue({ code: 'custom', message: msg.wrongType('a whole number', String(x)), input: x });
      else if (!inRange(x, r)) ctx.addIssue({ code: 'custom', message: rangeMessage(x, x, r), input: x });
    })
    .meta(r.int ? { type: 'integer', ...rangeMeta(r) } : rangeMeta(r));
}

/** A value with a unit (`4096`, `20MB`, `5us`, `400G`), parsed and checked against its range in that unit. */
export function unitValue(
  parse: (v: string | number) => number,
  bad: (v: unknown) => string,
  example: string,
  unit: Unit,
  r: Range,
) {
  return z
    .union([z.string(), z.number()])
    .superRefine((v, ctx) => {
      const x = parse(v);
      if (!Number.isFinite(x)) ctx.addIssue({ code: 'custom', message: bad(v), input: v });
      else if (!inRange(x, r)) ctx.addIssue({ code: 'custom', message: rangeMessage(x, v, r, unit), input: v });
    })
    .transform((v) => parse(v))
    .meta({ examples: [example], ...rangeMeta(r, unit) });
}
