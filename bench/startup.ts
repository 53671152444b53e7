// Start-up of the installed command (issue 12, item 7): `node bin/aifabric.js --help`, `schema` and a small
// `simulate`, each the median of several runs as a child process, with `node -e 0` beside them as the floor no CLI
// can beat. Builds dist/ first, so the figure is for the current sources. Leaves out `npx`, which adds about 0.3 s
// of its own.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/aifabric.js', import.meta.url));
/** The goal for `--help` and `schema` on the project's 2-core machines. */
const BUDGET_MS = 150;

function medianMs(args: string[], runs: number): { ms: number; minMs: number; maxMs: number } {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`);
    // The first run warms the file cache and is not counted.
    if (i > 0) times.push(performance.now() - t);
  }
  const s = [...times].sort((a, b) => a - b);
  return { ms: s[Math.floor(s.length / 2)], minMs: s[0], maxMs: s[s.length - 1] };
}

/** The commands timed, with the budget where it sets one: a small `simulate` (the analytic engine, so the
 * figure is start-up: reading the catalog and the scenario, the design, the modules of one engine) has none. */
const COMMANDS: { args: string[]; budgetMs: number | null }[] = [
  { args: ['--help'], budgetMs: BUDGET_MS },
  { args: ['schema'], budgetMs: BUDGET_MS },
  { args: ['simulate', 'scenarios/incast-16.yaml', '--engine', 'analytic', '--json'], budgetMs: null },
];

/** Prints one JSON line per command: the median wall time of `runs` runs, the floor and the budget. */
export function runStartupBench(runs = 15): void {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  const floor = medianMs(['-e', '0'], runs);
  for (const { args, budgetMs } of COMMANDS) {
    const t = medianMs([BIN, ...args], runs);
    const out = {
      name: `start-up: node bin/aifabric.js ${args.join(' ')}`,
      figure: Math.round(t.ms),
      unit: 'ms',
      budgetMs,
      withinBudget: budgetMs === null ? null : t.ms <= budgetMs,
      floorMs: Math.round(floor.ms),
      aboveFloorMs: Math.round(t.ms - floor.ms),
      runs,
      minMs: Math.round(t.minMs),
      maxMs: Math.round(t.maxMs),
      // Other work on the machine raises the floor and the figure alike: compare aboveFloorMs across runs.
      load1: loadavg()[0],
      machine,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runStartupBench();
