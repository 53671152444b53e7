// `aifabric serve`: its options. The server (src/cli/actions/serve.ts, src/serve/) loads on use.
import { Command } from '@commander-js/extra-typings';

export function serveCommand() {
  return new Command('serve')
    .description(
      'serve the JSON API (design, planner, simulate with live progress, the demo, the run store) on this machine, behind a token',
    )
    .option('--port <n>', 'TCP port (0: any free one)', '4173')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a --host other than loopback (anyone who can reach it and has the token can run)')
    .option('--open', 'open the URL in the default browser')
    .option('--max-hosts <n>', 'refuse scenarios with more hosts (default 8192)')
    .option('--max-events <n>', 'refuse runs estimated above this many events (default 1e8)')
    .option('--max-runs <n>', 'runs at once; the others wait (default: the number of cores)')
    .option('--runs <db>', "the sweeps' run store the Runs page reads (default: aifabric-runs.db, as aifabric runs)")
    .action(async (opts) => (await import('../actions/serve.ts')).serve(opts));
}
