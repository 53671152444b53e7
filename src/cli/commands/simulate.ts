// `aifabric simulate`: its arguments and options. The run itself (src/cli/actions/simulate.ts) loads on use, with
// the engines, so `--help` does not pay for them.
import { Command, Option } from '@commander-js/extra-typings';
import type { EngineKind } from '../../engine/index.ts';
import { collectFiles } from './plan.ts';

/** The engines `--engine` accepts: ENGINES of src/engine/index.ts, spelled here so that declaring the option does
 * not load the engines (test/e2e/startup.test.ts checks the two agree). */
export const ENGINE_CHOICES: readonly EngineKind[] = ['analytic', 'flow', 'packet'];

export function simulateCommand() {
  return new Command('simulate')
    .description('run a scenario on an engine: flow and collective times, drops, pauses, queues, invariants')
    .argument('<scenario>', 'scenario file (YAML or JSON) with fabric, network and traffic')
    .addOption(
      new Option('--engine <engine>', "engine to run (default: the scenario's, else packet)").choices(ENGINE_CHOICES),
    )
    .option('--seed <n>', 'seed of every random stream (overrides the scenario)')
    .option('--until <time>', 'stop after this much simulated time, e.g. 50ms (default: 10s; inference: no limit)')
    .option('--sweep <field=values>', 'run once per collective size, e.g. bytes=1MiB..8GiB (a bus-bandwidth curve)')
    .option(
      '--max-memory <size>',
      "refuse a packet or flow run estimated above this, e.g. 8GB (default: half the machine's memory)",
    )
    .option('--max-events <n>', 'refuse a packet or flow run estimated above this many events (default: no limit)')
    .option('--json', 'print the full result as JSON')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .option('--report <file>', 'also write the HTML report of the run (charts, link heat map) to this file')
    .action(async (file, opts) => (await import('../actions/simulate.ts')).simulate(file, opts));
}
