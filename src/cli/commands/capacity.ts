// `aifabric capacity`: its arguments and options. The search (src/cli/actions/capacity.ts) loads on use.
import { Command, Option } from '@commander-js/extra-typings';
import { collectFiles } from './plan.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

export function capacityCommand() {
  return new Command('capacity')
    .description(
      'inference: the fewest replicas and the cheapest access/aggregation design that meet a latency SLO at the scenario load',
    )
    .argument('<scenario>', 'scenario file with an inference traffic item')
    .option('--slo <bound>', 'e.g. p99-ttft=500ms (repeat or comma-separate; stats mean|p50|p90|p99|p999)', collect, [])
    .addOption(
      new Option('--engine <engine>', "network model (default: the scenario's, else flow)").choices([
        'analytic',
        'flow',
      ]),
    )
    .option('--max-replicas <n>', 'upper end of the search (default: fabric.hosts)')
    .option('--json', 'print the result as JSON')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .action(async (file, opts) => (await import('../actions/capacity.ts')).capacity(file, opts));
}
