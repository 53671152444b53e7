import { Command, Option } from '@commander-js/extra-typings';
import cliProgress from 'cli-progress';
import { loadCatalog } from '../../catalog/index.ts';
import { runPacket } from '../../engine/packet/engine.ts';
import { ScenarioError } from '../../errors.ts';
import { designFabric } from '../../fabric/index.ts';
import { simulateText } from '../../report/simulate.ts';
import { loadScenarioFile } from '../../scenario/load.ts';
import { parseTimePs } from '../../scenario/units.ts';
import { compileTraffic } from '../../workload/program.ts';

export function simulateCommand() {
  return new Command('simulate')
    .description('run a scenario on an engine: flow completion times, drops, pauses, queues, invariants')
    .argument('<scenario>', 'scenario file (YAML or JSON) with fabric, network and traffic')
    .addOption(
      new Option('--engine <engine>', "engine to run (default: the scenario's, else packet)").choices(['packet']),
    )
    .option('--seed <n>', 'seed of every random stream (overrides the scenario)')
    .option('--until <time>', 'stop after this much simulated time (e.g. 50ms)', '10s')
    .option('--json', 'print the full result as JSON')
    .action((file, opts) => {
      const catalog = loadCatalog();
      const s = loadScenarioFile(file, catalog);
      let seed = s.seed;
      if (opts.seed !== undefined) {
        if (!/^[0-9]+$/.test(opts.seed))
          throw new ScenarioError([
            { path: '--seed', message: `"${opts.seed}" is not a whole number (write it like --seed 7)` },
          ]);
        seed = Number(opts.seed);
      }
      const until = parseTimePs(opts.until);
      if (!Number.isFinite(until) || until <= 0)
        throw new ScenarioError([
          { path: '--until', message: `"${opts.until}" is not a time (write it like 50ms or 2s)` },
        ]);
      const engine = opts.engine ?? s.engine ?? 'packet';
      if (engine !== 'packet')
        throw new ScenarioError([
          { path: 'engine', message: `the ${engine} engine is not built yet; use engine: packet` },
        ]);
      if (!s.traffic || s.traffic.length === 0)
        throw new ScenarioError([
          { path: 'traffic', message: 'is required to simulate (e.g. traffic: [{pattern: permutation, bytes: 1MB}])' },
        ]);
      const design = designFabric(s.fabric, catalog, s.name);
      const program = compileTraffic({ ...s, seed }, design.fabric);
      const bar =
        process.stderr.isTTY && !opts.json
          ? new cliProgress.SingleBar(
              { format: 'simulating [{bar}] {value}/{total} flows | t = {sim}', stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : null;
      bar?.start(program.transfers.length, 0, { sim: '0 us' });
      const result = runPacket(design.fabric, program, { ...s, seed }, catalog, {
        seed,
        maxTimePs: until,
        name: s.name ?? file,
        onProgress: (done, _total, now) => bar?.update(done, { sim: `${(now / 1e6).toFixed(1)} us` }),
      });
      bar?.stop();
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : simulateText(result));
      // A broken invariant is a bug in the engine, not in the input: exit 4 (unfinished flows are reported, not fatal).
      if (result.invariants.some((i) => !i.ok && i.name !== 'every flow completed')) process.exitCode = 4;
    });
}
