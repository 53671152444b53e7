// Command-line option values: one parser per kind, each naming the flag, what it must be and what it got
// ("--hosts: must be a positive integer, got -5"). The ranges are the scenario schema's where a flag stands for a
// scenario field. A bad value is a usage error (exit 2; see EXIT in src/cli/exit.ts). Not here: the choices of an
// option (commander checks those) and values that are whole expressions (--slo, --sweep; their own parsers).
import { parseTimePs } from '../base/units.ts';
import { ScenarioError } from '../errors.ts';
import { describeRange, formatIn, nearestValid, type Range } from '../scenario/range.ts';

/** The scenario's `seed` (src/scenario/schema.ts): any whole number a JS number holds exactly. */
export const SEED_RANGE: Range = { int: true, min: 0, max: Number.MAX_SAFE_INTEGER };

/** A whole number, a decimal or an exponent form (`-5`, `2.5`, `1e9`); anything else is not a number. */
const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function fail(flag: string, what: string, got: string, nearest?: string): never {
  throw new ScenarioError([
    {
      path: flag,
      message: `must be ${what}, got ${got}${nearest === undefined ? '' : ` (nearest valid: ${nearest})`}`,
    },
  ]);
}

function integerWords(r: Range): string {
  const from = r.min === 1 ? 'a positive integer' : r.min === 0 ? 'a non-negative integer' : describeRange(r);
  if (r.min !== 0 && r.min !== 1) return from;
  return r.max !== undefined && r.max < Number.MAX_SAFE_INTEGER ? `${from} up to ${r.max}` : from;
}

/** An integer option in a range, e.g. `intOption('--hosts', '-5', { int: true, min: 1 })`. */
export function intOption(flag: string, value: string, r: Range): number {
  const range = { ...r, int: true };
  const x = NUMBER.test(value.trim()) ? Number(value) : Number.NaN;
  if (Number.isNaN(x)) fail(flag, integerWords(range), `"${value}"`);
  const ok = Number.isInteger(x) && (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max);
  if (!ok) {
    const near = nearestValid(x, range);
    fail(flag, integerWords(range), value, near === undefined ? undefined : String(near));
  }
  return x;
}

/** A time option (`50ms`, `2s`) above zero, in picoseconds. */
export function timeOption(flag: string, value: string): number {
  const x = parseTimePs(value);
  if (!Number.isFinite(x)) fail(flag, 'a time such as 50ms or 2s', `"${value}"`);
  if (x <= 0) fail(flag, 'a time greater than 0', `"${value}"`, formatIn(1, 'time'));
  if (x > Number.MAX_SAFE_INTEGER) fail(flag, `at most ${formatIn(Number.MAX_SAFE_INTEGER, 'time')}`, `"${value}"`);
  return x;
}
