// `npm run fuzz`: 10,000 property-based cases through the CLI (test/fuzz/run.ts says what is checked), then a
// summary: cases run, accepted, rejected, failures (each with its seed, run index and shrunk case) and the
// contract gaps of today's validation. Options: --runs N, --seed N, --shrinks N, --from N (start at run N, to
// finish a stopped run); --show N prints the case of run N
// (as YAML, not run). Every case runs under the resource guard's limits (test/fuzz/harness.ts, FUZZ_LIMITS), and
// FUZZ_TRACE=1 prints each run's index and wall time. Exits 1 when a property failed. The cases run the built CLI
// (dist/, test/e2e/run-cli.ts's runMain): `npm run fuzz` builds it first.
import { caseText, fuzz, summaryText } from '../test/fuzz/run.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    process.stderr.write(`${name} must be a whole number >= 0, got ${process.argv[i + 1]}\n`);
    process.exit(2);
  }
  return v;
}

const runs = arg('--runs', 10_000);
const seed = arg('--seed', 20261206);
if (process.argv.includes('--show')) {
  process.stdout.write(`${caseText(seed, arg('--show', 0))}\n`);
  process.exit(0);
}
const shrinks = arg('--shrinks', 5);
const t0 = performance.now();
const from = arg('--from', 0);
const s = await fuzz({
  numRuns: runs,
  seed,
  maxShrinks: shrinks,
  from,
  log: (l) => process.stderr.write(`${l}\n`),
});
process.stdout.write(summaryText(s));
process.stdout.write(`time: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
process.exit(s.failures.length === 0 ? 0 : 1);
