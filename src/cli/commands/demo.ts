// `aifabric demo`: its options. The demo itself (src/cli/actions/demo.ts) loads on use, with every engine.
import { Command } from '@commander-js/extra-typings';
import { collectFiles } from './plan.ts';

export function demoCommand() {
  return new Command('demo')
    .description(
      "the main job: design a training and an inference fabric, simulate both, and measure the seed's comparison (writes an HTML report)",
    )
    .option('--quick', 'smaller versions of every run (seconds; for tests)')
    .option(
      '-o, --out <dir>',
      'where to write report.html, demo.json and the runs (default: aifabric-demo, or aifabric-demo-quick with --quick)',
    )
    .option('--seed <n>', 'seed of every random stream', '1')
    .option('--no-pfc', 'run the training fabric without PFC (to see what the lossless claim rests on)')
    .option('--json', 'print the demo result as JSON instead of text')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .action(async (opts) => (await import('../actions/demo.ts')).demo(opts));
}
