// `aifabric serve`: checks the address, starts the server (src/serve/server.ts), prints its URL with the access
// token, and stops it on Ctrl-C. A non-loopback address needs --allow-remote and gets a warning: the token is then
// the only thing between the network and the machine's cores.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ScenarioError } from '../../errors.ts';
import { startServer } from '../../serve/server.ts';
import { intOption } from '../options.ts';

/** What `aifabric serve` was given (its options are declared in src/cli/commands/serve.ts). */
export interface ServeCliOptions {
  port: string;
  host: string;
  allowRemote?: boolean;
  open?: boolean;
  maxHosts?: string;
  maxEvents?: string;
  maxRuns?: string;
  runs?: string;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

/** True for an address only this machine can reach. */
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  // Best effort: without a browser the printed URL is still there to copy.
  spawn(cmd, [url], { stdio: 'ignore', detached: true })
    .on('error', () => process.stderr.write(`could not start ${cmd}: open the URL yourself\n`))
    .unref();
}

export async function serve(opts: ServeCliOptions): Promise<void> {
  const port = intOption('--port', opts.port, { int: true, min: 0, max: 65535 });
  if (!isLoopback(opts.host) && !opts.allowRemote)
    throw new ScenarioError([
      {
        path: '--host',
        message: `${opts.host} is reachable from other machines: add --allow-remote if that is meant, or leave --host out (127.0.0.1)`,
      },
    ]);
  const limits = {
    ...(opts.maxHosts !== undefined && { maxHosts: intOption('--max-hosts', opts.maxHosts, { int: true, min: 1 }) }),
    ...(opts.maxEvents !== undefined && { maxEvents: intOption('--max-events', opts.maxEvents, { min: 1 }) }),
    ...(opts.maxRuns !== undefined && { maxRuns: intOption('--max-runs', opts.maxRuns, { int: true, min: 1 }) }),
  };
  if (!isLoopback(opts.host))
    process.stderr.write(
      `warning: listening on ${opts.host}: anyone who can reach this address and has the token can run simulations here\n`,
    );
  const server = await startServer({ port, host: opts.host, limits, runsDb: resolve(opts.runs ?? 'aifabric-runs.db') });
  process.stdout.write(`aifabric serve: ${server.url}\n`);
  if (opts.open) openBrowser(server.url);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
