// The packet engine's permutations as the user runs them (issue 12): `node bin/aifabric.js simulate <file> --engine
// packet --json` as a child process of the built CLI, so the figures are the installed command's (Node's start-up,
// loading the bundle, parse, design, compile, run and printing the result) and not the bench process's, whose tsx
// and heap of earlier benchmarks weighed on the memory (k=32: 338 MB peak in process against 286 MB for the CLI).
// Reported: wall time including start-up, the child's CPU time and its peak RSS. Builds dist/ first (as
// check:results does), so the figures are for the current sources. Leaves out `npx`, which adds about 0.3 s.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../src/result/types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/aifabric.js');
/** GNU time: the child's CPU and peak RSS as the kernel counts them (getrusage of the waited-for child). */
const TIME = '/usr/bin/time';

let built = false;
function buildOnce(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
  built = true;
}

/** CPU seconds of this process's waited-for children (/proc/self/stat cutime + cstime, in clock ticks of 1/100 s). */
function childrenCpuS(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // After the command's name: field 3 is fields[0], so cutime (16) and cstime (17) are fields[13] and fields[14].
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

export interface CliRun {
  result: Result;
  /** Wall time from spawning the child to its exit, start-up included. */
  wallMs: number;
  /** The child's user + system CPU time. */
  cpuMs: number;
  /** The child's peak resident set in MB of 10^6 bytes (the kernel's maximum RSS; without GNU time, the engine's). */
  maxRssMB: number;
}

/** Runs `aifabric simulate` on a scenario's text as a child process and returns its result and what it cost. */
export function simulateCli(yaml: string, engine: 'analytic' | 'flow' | 'packet'): CliRun {
  buildOnce();
  const dir = mkdtempSync(join(tmpdir(), 'aifabric-bench-'));
  try {
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, yaml);
    // The result goes to a file: a k=32 result is tens of megabytes, past spawnSync's output buffer.
    const outPath = join(dir, 'result.json');
    const timePath = join(dir, 'time.txt');
    const out = openSync(outPath, 'w');
    const args = [BIN, 'simulate', file, '--engine', engine, '--json'];
    const gnuTime = existsSync(TIME);
    const cpu0 = childrenCpuS();
    const t = performance.now();
    const r = gnuTime
      ? spawnSync(TIME, ['-f', '%U %S %M', '-o', timePath, process.execPath, ...args], {
          stdio: ['ignore', out, 'pipe'],
        })
      : spawnSync(process.execPath, args, { stdio: ['ignore', out, 'pipe'] });
    const wallMs = performance.now() - t;
    closeSync(out);
    if (r.status !== 0) throw new Error(`aifabric simulate exited with ${r.status}: ${r.stderr?.toString() ?? ''}`);
    const result = JSON.parse(readFileSync(outPath, 'utf8')) as Result;
    let cpuMs = (childrenCpuS() - cpu0) * 1000;
    let maxRssMB = result.stats.peakRssMB;
    if (gnuTime) {
      const [user, sys, maxKiB] = readFileSync(timePath, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      cpuMs = (user + sys) * 1000;
      maxRssMB = (maxKiB * 1024) / 1e6;
    }
    return { result, wallMs, cpuMs, maxRssMB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One JSON line of the permutation `name` at fat-tree size k, run as the installed command. */
export function runPacketPermutationCli(name: string, k: number, goalMs: number, goalMB: number): void {
  const run = simulateCli(
    `
fabric: {topology: fat-tree, hosts: ${k ** 3 / 4}, nic: 100G, switch: aurcore-32x400g, k: ${k}}
network: {mtu: 4000, pfc: true, cc: dcqcn, linkDelay: 1us, switchLatency: 0ns}
traffic: [{pattern: permutation, bytes: 2000000}]
seed: 1
`,
    'packet',
  );
  const r = run.result;
  if (!r.completed) throw new Error(`${name}: did not complete`);
  const peakRssMB = Math.round(Math.max(run.maxRssMB, r.stats.peakRssMB));
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  process.stdout.write(
    `${JSON.stringify({
      name,
      figure: Math.round(run.wallMs),
      unit: 'ms',
      budgetMs: goalMs,
      withinBudget: run.wallMs <= goalMs && peakRssMB <= goalMB,
      // The child's CPU time: on a machine shared with other jobs, steadier than wall time for an A/B.
      cpuMs: Math.round(run.cpuMs),
      // Everything but the engine's run: Node's start-up, loading, parse, design, compile and printing the result.
      outsideEngineMs: Math.round(run.wallMs - r.stats.wallMs),
      engineWallMs: r.stats.wallMs,
      events: r.stats.events,
      eventsPerSec: r.stats.eventsPerSec,
      // The child's peak RSS (the kernel's count, start-up and printing included), and the engine's own sample.
      peakRssMB,
      enginePeakRssMB: r.stats.peakRssMB,
      budgetMB: goalMB,
      simulatedUs: Math.round(r.simulatedPs / 1e6),
      how: 'node bin/aifabric.js simulate <file> --engine packet --json, a child process',
      load1: loadavg()[0],
      machine,
    })}\n`,
  );
}
