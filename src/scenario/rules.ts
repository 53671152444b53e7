// Rules between fields of one scenario, checked after each field is in its own range (src/scenario/range.ts):
// ECN Kmin <= Kmax, a failure or fault that ends after it starts, an on-off source's on period against its rate. Each problem names the field, its value, the rule and the nearest valid value.
// Rules that need the fabric or the catalog (ranks, jobs and replicas that fit, PFC headroom and XON within a switch
// buffer) are checked where the fabric exists: src/workload/ (with expertParams <= params), src/engine/inference/setup.ts
// (with fewer prefill replicas than replicas) and src/engine/core/network-rules.ts.
import { fieldPath } from '../base/field-path.ts';
import type { InputProblem } from '../errors.ts';
import { msg } from '../messages.ts';
import { formatIn, type Unit } from './range.ts';
import type { Scenario } from './schema.ts';

type Where = (path: PropertyKey[]) => string | undefined;

const pathString = fieldPath;

/** `x` at `path` must be at most (or below) `limit`, named `limitName`; the nearest valid value is given. */
function above(
  path: PropertyKey[],
  x: number,
  limit: number,
  limitName: string,
  strict: boolean,
  unit: Unit | undefined,
  where: Where,
): InputProblem {
  // Parsed sizes and times are whole bytes and picoseconds, so a strict bound's nearest value is one below it.
  const nearest = strict ? (unit !== undefined || Number.isInteger(limit) ? limit - 1 : undefined) : limit;
  return {
    path: pathString(path),
    message: msg.crossField(
      formatIn(x, unit),
      `${strict ? 'below' : 'at most'} ${limitName} (${formatIn(limit, unit)})`,
      nearest === undefined ? undefined : formatIn(nearest, unit),
    ),
    location: where(path),
  };
}

function windows(
  list: readonly { at: number; until?: number }[],
  base: PropertyKey[],
  where: Where,
  out: InputProblem[],
): void {
  list.forEach((w, i) => {
    if (w.until !== undefined && w.until <= w.at) {
      const path = [...base, i, 'until'];
      out.push({
        path: pathString(path),
        message: msg.crossField(formatIn(w.until, 'time'), `after at (${formatIn(w.at, 'time')})`, undefined),
        location: where(path),
      });
    }
  });
}

/**
 * An on-off source's mean on period must hold at least 1/1,000 of an arrival (rate x on >= 0.001). The source
 * draws each gap period by period (workload/inference/arrivals.ts), so shorter periods cost 1 / (rate x on)
 * draws per request: a picosecond on period took billions (fuzz). Such a source is no burst: an interrupted
 * Poisson process whose periods are short beside its gaps is a Poisson process at rate x on / (on + off).
 */
const MIN_ARRIVALS_PER_ON = 1e-3;

function onOffPeriods(s: Scenario, where: Where, out: InputProblem[]): void {
  (s.traffic ?? []).forEach((t, i) => {
    if (!('inference' in t) || !('onOff' in t.inference.arrivals)) return;
    const { rate, on } = t.inference.arrivals.onOff;
    if (rate * on * 1e-12 >= MIN_ARRIVALS_PER_ON) return;
    const path = ['traffic', i, 'inference', 'arrivals', 'onOff', 'on'];
    const least = Math.ceil((MIN_ARRIVALS_PER_ON / rate) * 1e12);
    out.push({
      path: pathString(path),
      message: msg.crossField(
        formatIn(on, 'time'),
        `at least 1/1000 of the mean gap at this rate (on x rate >= 0.001: shorter periods are a Poisson source; use poisson at rate x on / (on + off))`,
        formatIn(least, 'time'),
      ),
      location: where(path),
    });
  });
}

/** IEEE 802.1Q-2018 has eight priorities (8.6.8); the packet engine gives each traffic class a queue of its own. */
export const MAX_CLASSES = 8;

/** network.classes may make at most MAX_CLASSES classes with the built-in roce and lossy. */
function tooManyClasses(s: Scenario, where: Where, out: InputProblem[]): void {
  const names = new Set(['roce', 'lossy', ...Object.keys(s.network?.classes ?? {})]);
  if (names.size <= MAX_CLASSES) return;
  out.push({
    path: 'network.classes',
    message: `makes ${names.size} traffic classes with the built-in roce and lossy; at most ${MAX_CLASSES} (the priorities of IEEE 802.1Q, one queue each at a port): remove ${names.size - MAX_CLASSES}, or redefine roce or lossy instead of adding a class`,
    location: where(['network', 'classes']),
  });
}

/** Every cross-field problem of a scenario whose fields are each valid. */
export function ruleProblems(s: Scenario, where: Where): InputProblem[] {
  const out: InputProblem[] = [];
  const ecn = s.network?.ecn;
  if (ecn && ecn.kmin > ecn.kmax)
    out.push(above(['network', 'ecn', 'kmin'], ecn.kmin, ecn.kmax, 'kmax', false, 'bytes', where));
  windows(s.network?.failures ?? [], ['network', 'failures'], where, out);
  tooManyClasses(s, where, out);
  // A custom fabric is its file; a file beside a generator would be silently ignored.
  if (s.fabric.topology === 'custom' && s.fabric.file === undefined)
    out.push({
      path: 'fabric.file',
      message: 'is required for topology custom: the topology file, e.g. file: lab.yaml (docs/topology.md)',
      location: where(['fabric']),
    });
  if (s.fabric.topology !== 'custom' && s.fabric.file !== undefined)
    out.push({
      path: 'fabric.file',
      message: `is read only with topology: custom (this fabric is ${s.fabric.topology ?? 'left to the planner'}); remove it or set topology: custom`,
      location: where(['fabric', 'file']),
    });
  (s.traffic ?? []).forEach((t, i) => {
    if ('inference' in t) windows(t.inference.faults, ['traffic', i, 'inference', 'faults'], where, out);
  });
  onOffPeriods(s, where, out);
  return out;
}
