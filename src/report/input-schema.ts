// The files `aifabric report` reads, as versioned schemas: a `simulate --json` result, a `simulate --sweep --json`
// sweep and a `demo --json` bundle, each with `version` 1. A file of another version gets a message that says so
// (and a migration where one is possible); a file of this version is checked field by field for what the report
// draws, so a malformed entry is named (`report.claims[0].rule`) instead of failing inside the renderer.
// Not checked: fields the report does not read (a result carries more than it draws; extra keys are allowed).

import { z } from 'zod';
import { fieldPath } from '../base/field-path.ts';
import { ScenarioError } from '../errors.ts';

/** The version of each input kind this aifabric writes and reads. */
export const INPUT_VERSION = 1;

const str = z.string();
const n = z.number();
const point = z.tuple([n, n]);

const claim = z.looseObject({
  aspect: str,
  side: z.enum(['training', 'inference', 'both']),
  claim: str,
  evidence: str,
  values: z.record(str, n),
  thresholds: z.record(str, n).optional(),
  verdict: z.enum(['supported', 'not supported', 'depends', 'not decided at quick scale']),
  rule: str,
});

const design = z.looseObject({
  name: str,
  summary: str,
  bom: z.array(z.looseObject({ item: str, role: str, qty: n, unitUsd: n, costUsd: n, powerW: n })),
  totals: z.looseObject({ costUsd: n, powerW: n, switches: n, perHostUsd: n }),
  diagramSvg: str.optional(),
});

const summary = z.looseObject({ count: n });
const requests = z.looseObject({
  count: n,
  completed: n,
  replicas: n,
  balancer: str,
  availability: n,
  throughputPerS: n,
  goodputPerS: n,
  latencyMs: summary,
  ttftMs: summary,
  tpotMs: summary,
  cdfMs: z.looseObject({ latency: z.array(point), ttft: z.array(point) }),
});

const port = z.looseObject({ port: str, peer: str, series: z.array(point) });
const link = z.looseObject({ link: str, tiers: str, rateGbps: n, bytes: n, utilization: n });
const flow = z.looseObject({ src: str, dst: str, bytes: n, fctPs: n, idealFctPs: n, slowdown: n });

export const reportInputSchema = z.looseObject({
  title: str,
  subtitle: str,
  claims: z.array(claim).optional(),
  designs: z.array(design).optional(),
  busbw: z.array(z.looseObject({ label: str, points: z.array(z.looseObject({ bytes: n, busbwGBps: n })) })).optional(),
  lossSweep: z
    .array(
      z.looseObject({
        label: str,
        pfc: z.boolean(),
        points: z.array(z.looseObject({ loss: n, iterationMs: n })),
      }),
    )
    .optional(),
  queues: z.array(z.looseObject({ label: str, ports: z.array(port), pausedPs: n, pauseFrames: n })).optional(),
  inference: z.array(z.looseObject({ label: str, requests })).optional(),
  links: z.array(z.looseObject({ label: str, links: z.array(link) })).optional(),
  flows: z.array(z.looseObject({ label: str, flows: z.array(flow) })).optional(),
  notes: z.array(str).optional(),
});

const op = z.looseObject({ op: str, bytes: n, busbwGBps: n });

export const resultSchema = z.looseObject({
  engine: z.enum(['packet', 'flow', 'analytic']),
  scenario: str,
  seed: n,
  simulatedPs: n,
  completed: z.boolean(),
  flows: z.array(flow),
  ops: z.array(op).optional(),
  requests: z.array(requests.extend({ item: n, arrivals: str })).optional(),
  links: z.array(link).optional(),
  counters: z.record(str, n),
  ports: z.array(port.extend({ maxQueueBytes: n })),
  invariants: z.array(z.looseObject({ name: str, ok: z.boolean(), detail: str })),
});

export const sweepSchema = z.looseObject({
  engine: str,
  scenario: str,
  seed: n,
  sweep: z.array(z.looseObject({ bytes: n, ops: z.array(op), completed: z.boolean() })),
});

export const demoSchema = z.looseObject({ report: reportInputSchema });

export type InputKind = 'result' | 'sweep' | 'demo bundle';

/**
 * Migrations from older versions, per kind: version v -> a value of version v + 1. None yet: version 1 is the
 * first versioned format (a file without `version` predates versioning and is read as version 1, which has the
 * same shape).
 */
const MIGRATIONS: Record<InputKind, Record<number, (x: Record<string, unknown>) => Record<string, unknown>>> = {
  result: {},
  sweep: {},
  'demo bundle': {},
};

/** The value at INPUT_VERSION: migrated up when it is older and a migration exists, an error otherwise. */
export function atCurrentVersion(
  value: Record<string, unknown>,
  kind: InputKind,
  file: string,
): Record<string, unknown> {
  const v = value.version ?? INPUT_VERSION;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ScenarioError([
      { path: file, message: `has version ${JSON.stringify(v)}; a ${kind} has a whole-number version from 1` },
    ]);
  if (v > INPUT_VERSION)
    throw new ScenarioError([
      {
        path: file,
        message: `is a ${kind} of version ${v}, newer than this aifabric reads (${INPUT_VERSION}); upgrade aifabric, or write it again with this one`,
      },
    ]);
  let x = value;
  for (let from = v; from < INPUT_VERSION; from++) {
    const step = MIGRATIONS[kind][from];
    if (!step)
      throw new ScenarioError([
        {
          path: file,
          message: `is a ${kind} of version ${from}, which no migration reads; write it again with this aifabric`,
        },
      ]);
    x = step(x);
  }
  return x;
}

const pathString = fieldPath;

/** Checks a value against its kind's schema; the first problems name their place in the file. */
export function checkInput<T>(schema: z.ZodType<T>, value: unknown, kind: InputKind, file: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ScenarioError(
    r.error.issues.slice(0, 5).map((i) => ({
      path: file,
      message: `is not a valid ${kind}: ${pathString(i.path) || 'the top level'}: ${i.message.replace(/^Invalid input: /, '')}`,
    })),
  );
}
