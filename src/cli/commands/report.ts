// `aifabric report`: its arguments and options. The rendering (src/cli/actions/report.ts) loads on use.
import { Command } from '@commander-js/extra-typings';

/** `aifabric report result.json -o report.html`: one self-contained HTML file from a result, sweep or demo bundle. */
export function reportCommand() {
  return new Command('report')
    .description('write a self-contained HTML report (charts, diagram, tables) from simulate/demo JSON output')
    .argument('<input>', 'JSON from `simulate --json`, `simulate --sweep --json` or `demo --json`')
    .option('-o, --output <file>', 'HTML file to write', 'report.html')
    .option('--json', 'print what was written as JSON ({"output", "bytes"})')
    .action(async (file, opts) => (await import('../actions/report.ts')).report(file, opts));
}
