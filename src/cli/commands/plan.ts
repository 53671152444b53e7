// `aifabric plan`: its arguments and options. The design and the planner (src/cli/actions/plan.ts) load on use.
import { Command } from '@commander-js/extra-typings';

/** `--catalog` may be given several times. */
export const collectFiles = (v: string, prev: string[]) => [...prev, v];

export function addFabricOptions<T extends Command<[string | undefined]>>(cmd: T) {
  return cmd
    .option(
      '--topology <name>',
      'leaf-spine | fat-tree | rail-optimized | ddc | access-aggregation (leave out: planner)',
    )
    .option('--hosts <n>', 'NIC endpoints (GPU + NIC)')
    .option('--nic <speed|id>', 'host NIC speed (400G) or catalog NIC id')
    .option('--switch <id>', 'leaf / access / line-card switch model')
    .option('--spine-switch <id>', 'spine / aggregation / fabric-element switch model')
    .option('--core-switch <id>', 'core switch model (3 tiers)')
    .option('--oversubscription <x>', 'leaf down:up target, e.g. 3 or 3:1 (default 1)')
    .option('--k <k>', 'fat-tree: ports per switch used')
    .option('--gpus-per-node <r>', 'hosts per server')
    .option('--nodes-per-unit <u>', 'rail-optimized: servers per scalable unit')
    .option('--hosts-per-leaf <n>', 'leaf-spine and fat-tree: hosts per leaf (a rack; fabric.hostsPerLeaf)')
    .option(
      '--planes <n>',
      'leaf-spine and rail-optimized: 2 splits each NIC over two disjoint planes (fabric.planes)',
    );
}

export function planCommand() {
  const cmd = new Command('plan')
    .description(
      'design a fabric: BOM, cost, power, oversubscription, bisection; without a topology, rank every feasible design',
    )
    .argument('[scenario]', 'scenario file (YAML or JSON); flags override its fabric section');
  return addFabricOptions(cmd)
    .option('--json', 'print one JSON object')
    .option('--csv <dir>', 'write cabling.csv and NetBox import CSVs into DIR')
    .option('--svg <file>', 'write the topology diagram as SVG')
    .option('--top <n>', 'planner: how many designs to list', '15')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .action(async (file, opts) => (await import('../actions/plan.ts')).plan(file, opts));
}
