// Near-valid scenarios: a valid one (scenarios.ts) with exactly one field mutated, the way a careless user or a
// broken script gets a file wrong: the wrong type, out of range, missing, an extra key, huge, negative, empty,
// unicode, or a float where an integer goes. YAML carries what JSON cannot (.nan, .inf), so those are tried too.
import fc from 'fast-check';
import type { ScenarioCase } from './scenarios.ts';

export const MUTATIONS = [
  'wrong-type',
  'out-of-range',
  'missing',
  'extra',
  'huge',
  'negative',
  'empty',
  'unicode',
  'fraction',
  'not-a-number',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

type Path = (string | number)[];

/** Every path in the object, inner nodes included (so whole sections get mutated too). */
export function pathsOf(v: unknown, prefix: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  const out: Path[] = prefix.length > 0 ? [prefix] : [];
  for (const k of keys) out.push(...pathsOf((v as Record<string | number, unknown>)[k], [...prefix, k]));
  return out;
}

function replacement(m: Mutation, old: unknown, pick: number): unknown {
  const n = typeof old === 'number' ? old : 1;
  const opts: Record<Mutation, unknown[]> = {
    'wrong-type': [typeof old === 'string' ? 7 : 'seven', true, [1, 2], { a: 1 }, null],
    'out-of-range': [0, -1, 1.5, 1e6, 2 ** 31],
    missing: [undefined],
    extra: [undefined],
    huge: [
      1e15,
      2 ** 53,
      1e308,
      '1e30GB',
      'x'.repeat(5000),
      typeof old === 'string' ? `${old}${'9'.repeat(40)}` : 1e12,
    ],
    negative: [-n, -1, typeof old === 'string' ? `-${old}` : -1e-9, '-5us'],
    empty: ['', [], {}],
    unicode: ['ｈ０', '４00G', '💥', 'h\u00000', 'ℎ1', `${String(old)}\u202e`],
    fraction: [n + 0.5, 0.5, 1e-12],
    'not-a-number': [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
  };
  const list = opts[m];
  return list[pick % list.length];
}

/** The scenario with the value at `path` mutated (a deep copy; the input is left alone). */
export function mutate(scenario: Record<string, unknown>, path: Path, m: Mutation, pick: number) {
  const copy = structuredClone(scenario);
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as
    | Record<string | number, unknown>
    | unknown[];
  const key = path[path.length - 1];
  if (m === 'missing') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key as string];
  } else if (m === 'extra') {
    // An unknown key in the object at `path`, or beside the value there; in a list, one more copy of an item.
    const target = (parent as Record<string | number, unknown>)[key];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)[pick % 2 === 0 ? 'bogus' : 'ｍtu'] = 1;
    else if (Array.isArray(parent)) parent.push(structuredClone(parent[0]));
    else parent.extraField = 'x';
  } else (parent as Record<string | number, unknown>)[key] = replacement(m, parent[key as never], pick);
  return copy;
}

export interface MutatedCase extends ScenarioCase {
  mutation: Mutation;
  path: string;
}

/** A valid case with one field mutated. */
export const mutatedArb = (valid: fc.Arbitrary<ScenarioCase>): fc.Arbitrary<MutatedCase> =>
  fc.tuple(valid, fc.nat(), fc.constantFrom(...MUTATIONS), fc.nat({ max: 99 })).map(([c, i, m, pick]) => {
    const paths = pathsOf(c.scenario);
    const path = paths[i % paths.length];
    return {
      scenario: mutate(c.scenario, path, m, pick),
      engines: c.engines,
      mutation: m,
      path: path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, ''),
    };
  });
