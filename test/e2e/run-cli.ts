// The CLI as a user meets it. `runCli` spawns the real command (bin/aifabric.js, the build that test/build-first.ts
// makes from the current sources) for what only a process shows: exit codes and the bin script. `runMain` calls the
// same built command's main function in this process with the same arguments and captures what it writes to stdout
// and stderr: the same code path from the argument parser down, without paying a Node start-up per case. Node loads
// dist/ itself (vitest.config.ts): the sources as vitest loads them run the engines 2-4x slower (its module runner
// reaches every import through an object: the packet engine's 32-rank ring, 4.4-4.7 s against 1.2-2.0 s in one
// process). `runSourceMain` calls src/cli/main.ts as vitest loads it, for a test that mocks a module of src/.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/aifabric.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = ROOT): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 2 ** 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Write = typeof process.stdout.write;

const BUILT_MAIN = new URL('../../dist/cli/main.js', import.meta.url).href;

/** Runs `aifabric <args>` in this process, from the repository's root as runCli does. Not a TTY, as in a spawn: no
 * progress bars. The process's exit code and streams are restored afterwards. */
export async function runMain(args: string[]): Promise<CliRun> {
  const built = (await import(BUILT_MAIN)) as typeof import('../../src/cli/main.ts');
  return runIn(built.main, args);
}

/** runMain on the sources (src/cli/main.ts as vitest loads them), where a test's vi.mock of a module reaches. */
export async function runSourceMain(args: string[]): Promise<CliRun> {
  const { main } = await import('../../src/cli/main.ts');
  return runIn(main, args);
}

async function runIn(main: (argv: string[]) => Promise<number>, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const capture =
    (into: string[]): Write =>
    (chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  const { stdout, stderr } = process;
  const saved = {
    out: stdout.write,
    err: stderr.write,
    tty: Object.getOwnPropertyDescriptor(stderr, 'isTTY'),
    exitCode: process.exitCode,
    cwd: process.cwd(),
    moved: resolve(process.cwd()) !== resolve(ROOT),
  };
  stdout.write = capture(out);
  stderr.write = capture(err);
  Object.defineProperty(stderr, 'isTTY', { value: false, configurable: true, writable: true });
  process.exitCode = undefined;
  if (saved.moved) process.chdir(ROOT);
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.write = saved.out;
    stderr.write = saved.err;
    if (saved.tty) Object.defineProperty(stderr, 'isTTY', saved.tty);
    else delete (stderr as { isTTY?: boolean }).isTTY;
    process.exitCode = saved.exitCode;
    if (saved.moved) process.chdir(saved.cwd);
  }
}
