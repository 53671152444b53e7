// `aifabric sweep`, `aifabric runs` and `aifabric worker` (issue 19): their arguments and options. The work
// (src/cli/actions/sweep.ts, runs.ts, worker.ts) loads on use, with the engines, the thread pool and the store.
import { Command } from '@commander-js/extra-typings';

export function sweepCommand() {
  return new Command('sweep')
    .description(
      'run every point of a sweep file on worker threads (or a BullMQ queue), keeping each result in a store',
    )
    .argument(
      '<file>',
      'sweep file (YAML or JSON): base or scenario, vary, optionally seeds, zip, engine (docs/sweep.md)',
    )
    .option('--workers <n>', 'worker threads on this machine (default: one per core)')
    .option('--store <path>', 'SQLite run store (default: aifabric-runs.db beside the sweep file)')
    .option('--until <time>', 'stop each run after this much simulated time (default: 10s; inference: no limit)')
    .option('--queue <url>', 'put the points on a BullMQ queue at this Redis URL instead (redis://HOST:PORT)')
    .option('--json', 'print an array of {key, point, seed, result} (or error) instead of the table')
    .action(async (file, opts) => (await import('../actions/sweep.ts')).sweep(file, opts));
}

export function runsCommand() {
  const store = '--store <path>';
  const storeHelp = 'SQLite run store (default: ./aifabric-runs.db)';
  const runs = new Command('runs').description('read the run store of `aifabric sweep`: list, show, export, report');
  runs
    .command('ls')
    .description('one line per stored run: key, varied values, seed, status, key metrics')
    .option(store, storeHelp)
    .option('--sweep <name>', 'only the runs of this sweep')
    .option('--json', 'print an array with one object per stored run')
    .action(async (opts) => (await import('../actions/runs.ts')).runsLs(opts));
  runs
    .command('show')
    .description('one stored run: its scenario, result (or error) and timings')
    .argument('<key>', 'the run key, or its first characters (at least 6)')
    .option(store, storeHelp)
    .option('--json', 'print the stored run as JSON')
    .action(async (key, opts) => (await import('../actions/runs.ts')).runsShow(key, opts));
  runs
    .command('export')
    .description('every stored run as CSV on stdout')
    .option(store, storeHelp)
    .option('--sweep <name>', 'only the runs of this sweep')
    .option('--csv', 'CSV (the only format; the flag says so in scripts)')
    .action(async (opts) => (await import('../actions/runs.ts')).runsExport(opts));
  runs
    .command('report')
    .description('HTML report of a stored sweep: a metric over the varied fields, seeds as error bars')
    .option(store, storeHelp)
    .option('--sweep <name>', 'only the runs of this sweep')
    .option('-o, --output <file>', 'HTML file to write', 'sweep-report.html')
    .action(async (opts) => (await import('../actions/runs.ts')).runsReport(opts));
  return runs;
}

export function workerCommand() {
  return new Command('worker')
    .description('take sweep points from a BullMQ queue and run them on this machine until stopped (Ctrl-C)')
    .requiredOption('--queue <url>', 'the Redis URL the sweep was submitted to (redis://HOST:PORT)')
    .option('--concurrency <n>', 'points run at once, each on its own thread (default: one per core)')
    .option(
      '--lock <time>',
      "how long a job stays claimed without renewal; a dead worker's job is taken over after it",
      '30s',
    )
    .action(async (opts) => (await import('../actions/worker.ts')).worker(opts));
}
