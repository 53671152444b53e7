// Parameter sweeps of `aifabric simulate --sweep` (and the scenario's `sweep` field): the message sizes of a
// bus-bandwidth curve, as nccl-tests' -b/-e/-f (begin, end, multiplication factor) give them.

import { parseBytes } from '../base/units.ts';
import { ScenarioError } from '../errors.ts';
import type { Scenario } from './schema.ts';

export interface Sweep {
  field: 'bytes';
  values: number[];
}

const HOW = 'write it like bytes=1MiB..8GiB (doubling), bytes=1MiB..1GiB:x4 or bytes=1MiB,64MiB,1GiB';

/** Parses `bytes=1MiB..8GiB[:xF]` or `bytes=a,b,c`. `path` names the flag or field in errors. */
export function parseSweep(text: string, path: string): Sweep {
  const bad = (why: string) => new ScenarioError([{ path, message: `${why}; ${HOW}` }]);
  const eq = text.indexOf('=');
  if (eq < 0) throw bad(`"${text}" has no field=values`);
  const field = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  if (field !== 'bytes') throw bad(`only the collective size can be swept ("bytes"), not "${field}"`);
  const size = (s: string) => {
    const v = parseBytes(s.trim());
    if (!Number.isFinite(v) || v <= 0) throw bad(`"${s}" is not a size`);
    return v;
  };
  const range = /^([^.]+)\.\.([^:]+)(?::x([0-9.]+))?$/.exec(spec);
  if (range) {
    const from = size(range[1]);
    const to = size(range[2]);
    const factor = range[3] === undefined ? 2 : Number(range[3]);
    if (!(factor > 1)) throw bad(`the factor x${range[3]} must be above 1`);
    if (to < from) throw bad(`the range ${range[1]}..${range[2]} ends below its start`);
    const values: number[] = [];
    for (let v = from; v <= to * (1 + 1e-9); v *= factor) values.push(Math.round(v));
    if (values.length > 64) throw bad(`${values.length} points is too many (at most 64)`);
    return { field: 'bytes', values };
  }
  return { field: 'bytes', values: spec.split(',').map(size) };
}

/** The scenario with every collective's size set to `bytes`. */
export function withBytes(s: Scenario, bytes: number, path: string): Scenario {
  const traffic = s.traffic ?? [];
  if (!traffic.some((t) => 'collective' in t))
    throw new ScenarioError([
      {
        path,
        message: 'a bytes sweep needs a collective in traffic (e.g. {collective: all-reduce, bytes: 1GiB})',
      },
    ]);
  return { ...s, traffic: traffic.map((t) => ('collective' in t ? { ...t, bytes } : t)) };
}
