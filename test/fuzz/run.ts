// The fuzz run behind `npm test` (1,000 cases) and `npm run fuzz` (10,000): half valid scenarios, half
// near-valid ones, each through the CLI (harness.ts). A first pass runs every case and tallies it without
// stopping at the first failure; each distinct failure is then replayed alone from its seed and run index
// (fast-check's `path`) and shrunk to the smallest scenario that still fails, which is what gets printed.
import fc from 'fast-check';
import { type CaseOutcome, FUZZ_LIMITS, runCase, scenarioText } from './harness.ts';
import { type MutatedCase, mutatedArb } from './mutate.ts';
import { type ScenarioCase, validScenarioArb } from './scenarios.ts';

type FuzzCase = { valid: true; c: ScenarioCase } | { valid: false; c: MutatedCase };

export const caseArb: fc.Arbitrary<FuzzCase> = fc.oneof(
  validScenarioArb.map((c) => ({ valid: true as const, c })),
  mutatedArb(validScenarioArb).map((c) => ({ valid: false as const, c })),
);

export interface Failure {
  run: number;
  messages: string[];
  /** The case as generated. */
  original: string;
  /** The shrunk case as YAML, with the mutation that made it. */
  shrunk: string;
}

export interface FuzzSummary {
  seed: number;
  /** The first run index (0 unless --from). */
  from: number;
  runs: number;
  accepted: number;
  rejected: number;
  validCases: number;
  failures: Failure[];
  /** The five slowest cases (wall ms), to keep the sizes honest. */
  slowest: { run: number; ms: number; what: string }[];
  /** Every case's wall time (ms), in run order: its median, 99th percentile and maximum go in the summary. */
  caseMs: number[];
  /** Contract gaps (see harness.ts) and how often each was met. */
  gaps: Map<string, number>;
}

const describeCase = (f: FuzzCase) =>
  `${f.valid ? 'valid' : `mutated (${f.c.mutation} at ${f.c.path})`}, engines ${f.c.engines.join(', ')}\n${scenarioText(
    f.c.scenario,
  )}`;

const outcomeOf = (f: FuzzCase, extraArgs: string[]): Promise<CaseOutcome> =>
  runCase(f.c.scenario, f.c.engines, f.valid, extraArgs);

/** Replays run `run` of `seed` alone and shrinks it: the smallest case that still breaks a property. */
async function shrink(seed: number, run: number, extraArgs: string[]): Promise<string> {
  const details = await fc.check(
    fc.asyncProperty(caseArb, async (f) => (await outcomeOf(f, extraArgs)).failures.length === 0),
    // Shrinking replays many candidates; a minute is enough to get to a small one, and bounds a slow shrink.
    { seed, path: String(run), numRuns: 1, endOnFailure: false, interruptAfterTimeLimit: 60_000 },
  );
  const ce = details.counterexample?.[0];
  return ce ? describeCase(ce) : '(did not fail again on replay: not reproducible)';
}

/** The case of run `run` of `seed` as generated (not run): to replay a failure by hand (`npm run fuzz -- --show N`). */
export function caseText(seed: number, run: number): string {
  let text = '';
  fc.check(
    fc.property(caseArb, (f) => {
      text = describeCase(f);
      return true;
    }),
    { seed, path: String(run), numRuns: 1 },
  );
  return text;
}

/** Runs `numRuns` cases from `seed`. `log` gets one line per failure and a progress line now and then. */
export async function fuzz(opts: {
  numRuns: number;
  seed: number;
  extraArgs?: string[];
  log?: (line: string) => void;
  /** How many failures (one per kind) to shrink; 0 for none. */
  maxShrinks?: number;
  /** Start at this run index (fast-check's path): runs from..numRuns-1, to finish a run that was stopped. */
  from?: number;
}): Promise<FuzzSummary> {
  const from = opts.from ?? 0;
  // Every case under the resource guard's limits: without them a mutated "huge" field runs for hours.
  const extraArgs = opts.extraArgs ?? FUZZ_LIMITS;
  const sum: FuzzSummary = {
    seed: opts.seed,
    from,
    runs: from,
    accepted: 0,
    rejected: 0,
    validCases: 0,
    failures: [],
    slowest: [],
    caseMs: [],
    gaps: new Map(),
  };
  const firstBySignature = new Map<string, number>();
  const pending: { run: number; messages: string[]; original: string }[] = [];
  await fc.assert(
    fc.asyncProperty(caseArb, async (f) => {
      const run = sum.runs++;
      if (process.env.FUZZ_TRACE) process.stderr.write(`run ${run}\n`);
      if (f.valid) sum.validCases++;
      const what = f.valid ? 'valid' : `${f.c.mutation} at ${f.c.path}`;
      const t0 = performance.now();
      const o = await outcomeOf(f, extraArgs);
      const ms = performance.now() - t0;
      if (process.env.FUZZ_TRACE) process.stderr.write(`run ${run}: ${ms.toFixed(0)} ms (${what})\n`);
      sum.caseMs.push(ms);
      if (ms > (sum.slowest.at(-1)?.ms ?? 0) || sum.slowest.length < 5) {
        sum.slowest.push({ run, ms, what: f.valid ? 'valid' : `${f.c.mutation} at ${f.c.path}` });
        sum.slowest.sort((a, b) => b.ms - a.ms).splice(5);
      }
      if (o.verdict === 'accepted') sum.accepted++;
      else sum.rejected++;
      for (const g of o.gaps) sum.gaps.set(g, (sum.gaps.get(g) ?? 0) + 1);
      if (o.failures.length > 0) {
        // One shrink per kind of failure: the message without its numbers.
        const sig = o.failures[0].replace(/[0-9.]+/g, '#').slice(0, 120);
        if (!firstBySignature.has(sig)) firstBySignature.set(sig, run);
        pending.push({ run, messages: o.failures, original: describeCase(f) });
        opts.log?.(`FAILURE in run ${run} (seed ${opts.seed}): ${o.failures.join('; ')}`);
      }
      if (opts.log && sum.runs % 1000 === 0) opts.log(`${sum.runs} cases run`);
    }),
    {
      seed: opts.seed,
      numRuns: opts.numRuns - from,
      endOnFailure: true,
      ...(from > 0 ? { path: String(from) } : {}),
    },
  );
  const shrinkRuns = new Set([...firstBySignature.values()].slice(0, opts.maxShrinks ?? 5));
  for (const p of pending)
    sum.failures.push({
      ...p,
      shrunk: shrinkRuns.has(p.run)
        ? await shrink(opts.seed, p.run, extraArgs)
        : '(not shrunk: same kind as an earlier one)',
    });
  return sum;
}

/** The summary as text: the counts, each failure with its seed, run and shrunk case, the contract gaps. */
export function summaryText(s: FuzzSummary): string {
  const lines = [
    `fuzz: seed ${s.seed}`,
    `cases run: ${s.runs - s.from}${s.from > 0 ? ` (runs ${s.from} to ${s.runs - 1})` : ''} (${s.validCases} valid, ${s.runs - s.from - s.validCases} near-valid)`,
    `accepted: ${s.accepted}`,
    `rejected: ${s.rejected}`,
    `failures: ${s.failures.length}`,
  ];
  for (const f of s.failures)
    lines.push(
      `--- failure: seed ${s.seed}, run ${f.run} (replay: --seed ${s.seed} --path ${f.run})`,
      ...f.messages.map((m) => `  ${m}`),
      '  case as generated:',
      ...f.original.split('\n').map((l) => `    ${l}`),
      '  shrunk case:',
      ...f.shrunk.split('\n').map((l) => `    ${l}`),
    );
  const ms = [...s.caseMs].sort((a, b) => a - b);
  const at = (q: number) => (ms.length > 0 ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(0) : '-');
  lines.push(`case wall time: median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  lines.push(`slowest cases: ${s.slowest.map((x) => `run ${x.run} ${x.ms.toFixed(0)} ms (${x.what})`).join('; ')}`);
  if (s.gaps.size > 0) {
    lines.push("contract gaps (today's validation, not failures):");
    for (const [g, n] of [...s.gaps].sort((a, b) => b[1] - a[1])) lines.push(`  ${n} x ${g}`);
  }
  return `${lines.join('\n')}\n`;
}
