// Parameter sweeps. Two forms share this file: `aifabric simulate --sweep` (and the scenario's `sweep` field), the
// message sizes of a bus-bandwidth curve as nccl-tests' -b/-e/-f (begin, end, multiplication factor) give them; and
// the sweep file of `aifabric sweep` (issue 19): a base scenario, fields varied by dot path (`traffic[0].bytes`)
// over a grid or zipped, seeds and an engine, expanded here into one validated scenario per point. Running the
// points is src/sweep/'s; this file only says what they are.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { fieldPath } from '../base/field-path.ts';
import { parseBytes } from '../base/units.ts';
import type { Catalog } from '../catalog/index.ts';
import { formatProblem, type InputProblem, ScenarioError } from '../errors.ts';
import { validateScenario } from './load.ts';
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

// ---- sweep files (`aifabric sweep FILE`) ------------------------------------------------------------------------

export type SweepEngine = 'analytic' | 'flow' | 'packet';
const ENGINES: readonly SweepEngine[] = ['analytic', 'flow', 'packet'];
const KEYS = ['version', 'base', 'scenario', 'vary', 'zip', 'seeds', 'engine', 'name'];
/** The sweep file format this aifabric reads (`version:` may be left out; issue 16: every input file is versioned). */
export const SWEEP_VERSION = 1;
/** A sweep is run point by point and every point stored: beyond this it is more likely a typo than a plan. */
export const MAX_SWEEP_POINTS = 10_000;

/** A sweep file as written, checked. `base` is resolved against the sweep file's folder. */
export interface SweepFile {
  name: string;
  /** The base scenario as parsed (before validation): points set fields in copies of it. */
  base: Record<string, unknown>;
  vary: { path: string; values: unknown[] }[];
  zip: boolean;
  /** Empty: each point's own `seed` (the scenario's, default 1). */
  seeds: number[];
  engine?: SweepEngine;
}

/** One point of an expanded sweep: its varied values, its seed, and its scenario (or why it is invalid). */
export interface SweepPoint {
  index: number;
  point: Record<string, unknown>;
  seed: number;
  scenario?: Scenario;
  error?: string;
}

const fail = (problems: InputProblem[]): never => {
  throw new ScenarioError(problems);
};

/** Reads and checks a sweep file (YAML or JSON); `base` is read from beside it. */
export function loadSweepFile(file: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail([{ path: 'sweep', message: `cannot read ${file}: ${(e as Error).message}` }]);
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    fail([
      {
        path: 'sweep',
        message: `${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}${/\w\[\d+\]/.test(text) ? ' (inside { } a path with [ ] must be quoted, "traffic[0].bytes", or written in block style)' : ''}`,
      },
    ]);
  return checkSweep(doc.toJS() as unknown, dirname(resolve(file)), file);
}

/** Checks a parsed sweep file; every problem names the field, the value and the fix. */
export function checkSweep(raw: unknown, dir: string, file = 'sweep'): SweepFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    fail([
      { path: 'sweep', message: 'must be a mapping with base (or scenario), vary and optionally seeds, zip, engine' },
    ]);
  const o = raw as Record<string, unknown>;
  const problems: InputProblem[] = [];
  for (const k of Object.keys(o))
    if (!KEYS.includes(k)) problems.push({ path: k, message: `is not a sweep field (the fields: ${KEYS.join(', ')})` });
  if (o.version !== undefined && o.version !== SWEEP_VERSION)
    problems.push({
      path: 'version',
      message: `${JSON.stringify(o.version)} is not a sweep file version this aifabric reads; write version: ${SWEEP_VERSION} (the only format so far) or upgrade aifabric`,
    });
  const base = baseOf(o, dir, problems);
  const vary = varyOf(o.vary, problems);
  const zip = o.zip ?? false;
  if (typeof zip !== 'boolean') problems.push({ path: 'zip', message: `${JSON.stringify(zip)} must be true or false` });
  if (zip === true && vary.some((v) => v.values.length !== vary[0].values.length))
    problems.push({
      path: 'vary',
      message: `zip: true pairs the lists item by item, but their lengths differ (${vary.map((v) => `${v.path}: ${v.values.length}`).join(', ')}); make them equal or drop zip`,
    });
  if (base)
    for (const v of vary)
      try {
        setPath(base, v.path, v.values[0]);
      } catch (e) {
        problems.push({ path: `vary["${v.path}"]`, message: (e as Error).message });
      }
  const seeds = seedsOf(o.seeds, problems);
  const engine = o.engine;
  if (engine !== undefined && !ENGINES.includes(engine as SweepEngine))
    problems.push({ path: 'engine', message: `"${String(engine)}" is not an engine (use ${ENGINES.join(', ')})` });
  if (problems.length > 0) fail(problems);
  const name = typeof o.name === 'string' ? o.name : file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '');
  const sweep: SweepFile = { name, base: base ?? {}, vary, zip: zip === true, seeds, engine: engine as SweepEngine };
  const count = pointCount(sweep);
  if (count > MAX_SWEEP_POINTS)
    fail([{ path: 'vary', message: `${count} points is too many (at most ${MAX_SWEEP_POINTS}); vary fewer values` }]);
  return sweep;
}

function baseOf(o: Record<string, unknown>, dir: string, problems: InputProblem[]): Record<string, unknown> | null {
  if ((o.base === undefined) === (o.scenario === undefined)) {
    problems.push({
      path: 'base',
      message: 'give exactly one of base: FILE (a scenario file, relative to the sweep file) or scenario: {...} inline',
    });
    return null;
  }
  if (o.scenario !== undefined) {
    if (o.scenario !== null && typeof o.scenario === 'object' && !Array.isArray(o.scenario))
      return o.scenario as Record<string, unknown>;
    problems.push({ path: 'scenario', message: 'must be a scenario mapping (fabric, network, traffic, ...)' });
    return null;
  }
  if (typeof o.base !== 'string') {
    problems.push({
      path: 'base',
      message: `${JSON.stringify(o.base)} must be a file name, like scenarios/incast-16.yaml`,
    });
    return null;
  }
  const path = resolve(dir, o.base);
  try {
    const parsed = parseDocument(readFileSync(path, 'utf8')).toJS() as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    problems.push({ path: 'base', message: `${o.base} is not a scenario mapping` });
  } catch (e) {
    problems.push({
      path: 'base',
      message: `cannot read ${o.base} (from ${path}): ${(e as Error).message.split('\n')[0]}`,
    });
  }
  return null;
}

function varyOf(v: unknown, problems: InputProblem[]): SweepFile['vary'] {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0) {
    problems.push({
      path: 'vary',
      message: 'must map dot paths to lists of values, like vary: {network.loss: [0, 1e-5]}',
    });
    return [];
  }
  const out: SweepFile['vary'] = [];
  for (const [path, values] of Object.entries(v as Record<string, unknown>)) {
    const where = `vary["${path}"]`;
    try {
      parsePath(path);
    } catch (e) {
      problems.push({ path: where, message: (e as Error).message });
      continue;
    }
    if (!Array.isArray(values) || values.length === 0)
      problems.push({
        path: where,
        message: `${JSON.stringify(values)} must be a non-empty list, like [0, 1e-5, 1e-4]`,
      });
    else out.push({ path, values });
  }
  return out;
}

function seedsOf(v: unknown, problems: InputProblem[]): number[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  const bad = list.filter((x) => !Number.isSafeInteger(x) || (x as number) < 0);
  if (list.length === 0 || bad.length > 0)
    problems.push({
      path: 'seeds',
      message: `${JSON.stringify(v)} must be a list of whole numbers >= 0, like [1, 2, 3]`,
    });
  return bad.length > 0 ? [] : (list as number[]);
}

function pointCount(s: SweepFile): number {
  const combos = s.zip ? (s.vary[0]?.values.length ?? 1) : s.vary.reduce((n, v) => n * v.values.length, 1);
  return combos * Math.max(1, s.seeds.length);
}

/** `traffic[0].bytes` as segments: 'traffic', 0, 'bytes'. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)?((?:\[\d+\])*)$/.exec(part);
    if (!m || (!m[1] && !m[2]))
      throw new Error(`"${path}" is not a dot path (write it like network.loss or traffic[0].bytes)`);
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** A deep copy of `base` with the field at `path` set to `value`. Its parent must exist in the base scenario. */
export function setPath(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const root = structuredClone(base);
  const segs = parsePath(path);
  let node: unknown = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    const next = (node as Record<string | number, unknown>)[seg];
    if (next === undefined && typeof seg === 'string' && typeof segs[i + 1] === 'string') {
      // A missing section (network:) is created, as a default section would be; a missing list item is not.
      (node as Record<string, unknown>)[seg] = {};
    } else if (next === null || typeof next !== 'object') {
      const at = fieldPath(segs.slice(0, i + 1));
      throw new Error(
        `${at} is not in the base scenario (${JSON.stringify(next)}), so ${path} cannot be set; add it to the base or fix the path`,
      );
    }
    node = (node as Record<string | number, unknown>)[seg];
  }
  const last = segs[segs.length - 1];
  if (Array.isArray(node) && (typeof last !== 'number' || last >= node.length))
    throw new Error(`${path}: the base list has ${node.length} items, so index ${String(last)} does not exist`);
  (node as Record<string | number, unknown>)[last] = value;
  return root;
}

/** The varied values of each combination, grid (first field slowest) or zipped. */
function combinations(s: SweepFile): Record<string, unknown>[] {
  if (s.zip)
    return (s.vary[0]?.values ?? []).map((_, i) => Object.fromEntries(s.vary.map((v) => [v.path, v.values[i]])));
  let out: Record<string, unknown>[] = [{}];
  for (const v of s.vary) out = out.flatMap((c) => v.values.map((x) => ({ ...c, [v.path]: x })));
  return out;
}

/** Every point of the sweep with its validated scenario; an invalid combination carries its error instead (it
 * fails alone: the others still run). */
export function expandSweep(s: SweepFile, catalog: Catalog): SweepPoint[] {
  const points: SweepPoint[] = [];
  for (const point of combinations(s)) {
    let raw: Record<string, unknown> = s.base;
    let scenario: Scenario | undefined;
    let error: string | undefined;
    try {
      for (const [path, value] of Object.entries(point)) raw = setPath(raw, path, value);
      scenario = validateScenario(raw, catalog);
    } catch (e) {
      error = e instanceof ScenarioError ? e.problems.map(formatProblem).join('; ') : (e as Error).message;
    }
    const seeds = s.seeds.length > 0 ? s.seeds : [scenario?.seed ?? 1];
    for (const seed of seeds) {
      const p: SweepPoint = { index: points.length, point, seed };
      if (scenario) p.scenario = { ...scenario, seed, ...(s.engine ? { engine: s.engine } : {}) };
      if (error !== undefined) p.error = error;
      points.push(p);
    }
  }
  return points;
}
