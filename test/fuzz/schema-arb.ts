// Arbitraries read from the zod schema itself (zod 4 introspection), so a field someone adds to the scenario
// schema is fuzzed without an edit here. For each field it generates values the schema accepts and that keep a
// run small: the field's default, its examples, a number near the default inside the field's range, each enum
// member, each union branch. It leaves out what the schema cannot say: which values are cheap to simulate
// (callers override those fields by path) and cross-field rules (Kmin <= Kmax), which callers also override.
import fc from 'fast-check';
import type { z } from 'zod';

/** Per-path arbitraries that replace what the walker would generate (`network.mtu`, `network.ecn`). */
export type Overrides = Record<string, fc.Arbitrary<unknown>>;

type Def = {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } } }[];
};

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema's own metadata (description, examples), wherever the wrappers put it. */
function metaOf(s: z.ZodType): { description?: string; examples?: unknown[] } {
  const m = (s as unknown as { meta?: () => unknown }).meta?.();
  return (m ?? {}) as { description?: string; examples?: unknown[] };
}

/** What kind of unit value a `size()`, `duration()` or `rate()` field is, from its description. */
export function unitKind(s: z.ZodType): 'bytes' | 'time' | 'rate' | null {
  const d = metaOf(s).description ?? '';
  if (d.startsWith('bytes')) return 'bytes';
  if (d.startsWith('a time')) return 'time';
  if (d.startsWith('a rate')) return 'rate';
  return null;
}

// Small, cheap values of each unit kind: a run stays in microseconds of simulated time and kilobytes.
const UNIT_VALUES = {
  bytes: ['1KB', '4KiB', 2048, '16KB'],
  time: ['1us', '5us', '20us', 500_000],
  rate: ['10G', '100G', '400M'],
} as const;

function numberBounds(def: Def): { min: number; max: number; int: boolean } {
  let min = Number.NEGATIVE_INFINITY;
  let max = Number.POSITIVE_INFINITY;
  let int = false;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than' && d.value !== undefined) min = d.inclusive ? d.value : d.value + 1e-9;
    if (d.check === 'less_than' && d.value !== undefined) max = d.inclusive ? d.value : d.value - 1e-9;
    if (d.check === 'number_format' && (d.format === 'safeint' || d.format === 'int32')) int = true;
  }
  return { min, max, int };
}

/** Numbers the field accepts, near its default (or its minimum), so a run stays small. */
function numberArb(def: Def, dflt: unknown): fc.Arbitrary<number> {
  const { min, max, int } = numberBounds(def);
  const base = typeof dflt === 'number' ? dflt : Number.isFinite(min) ? Math.max(min, int ? 1 : 0.5) : 1;
  const clip = (x: number) => {
    const y = Math.min(max, Math.max(min, x));
    return int ? Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(y))) : y;
  };
  const picks = [base, base / 2, base * 2, base + 1].map(clip).filter((x) => Number.isFinite(x));
  return fc.constantFrom(...(picks.length > 0 ? picks : [clip(0)]));
}

/** An arbitrary of values `schema` accepts at `path`; undefined means "leave the field out". */
export function arbFromSchema(schema: z.ZodType, path: string, over: Overrides, dflt?: unknown): fc.Arbitrary<unknown> {
  const own = over[path];
  if (own) return own;
  const def = defOf(schema);
  const kind = unitKind(schema);
  if (kind) return fc.constantFrom<unknown>(...UNIT_VALUES[kind]);
  switch (def.type) {
    case 'default':
    case 'prefault':
      return fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        arbFromSchema(def.innerType as z.ZodType, path, over, def.defaultValue),
      );
    case 'optional':
      return fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        arbFromSchema(def.innerType as z.ZodType, path, over, dflt),
      );
    case 'number':
      return numberArb(def, dflt);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => arbFromSchema(o, path, over, dflt)));
    case 'object':
      return objectArb(def.shape ?? {}, path, over);
    case 'array':
      return fc.array(arbFromSchema(def.element as z.ZodType, `${path}[]`, over), { maxLength: 2 });
    case 'pipe':
      return arbFromSchema(def.in as z.ZodType, path, over, dflt);
    default:
      // A kind of field the walker does not know (a string with a format, a record): its default or nothing.
      return fc.constant(dflt);
  }
}

/** An object of the shape's fields, each generated (or left out) on its own. */
export function objectArb(shape: Record<string, z.ZodType>, path: string, over: Overrides) {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(shape)) fields[k] = arbFromSchema(v, path ? `${path}.${k}` : k, over);
  return fc.record(fields).map((o) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
    return out;
  });
}
