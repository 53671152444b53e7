// vitest setupFile, on only when AIFABRIC_CPU_FILE names a file (vitest.config.ts): appends one line per test file,
// `{"file", "cpu", "start", "end", "expects"}`: the CPU seconds that file took (its process's user+system time, plus
// the processes it spawned and waited for: /proc/self/stat utime, stime, cutime, cstime), when it started and ended
// (wall clock, Unix seconds: which files overlap, and whether one runs alone at the end of a run), and how many
// expect assertions its tests made (an expect call costs microseconds: a loop of a million is seconds). CPU time,
// unlike wall time, does not grow when other work shares the machine, so files can be ranked on a loaded machine.
// Linux only; the worker's own start-up before this setup file loads is left out.
import { appendFileSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';

/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux: `getconf CLK_TCK`). */
const TICKS = 100;

function cpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3; utime is field 14.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}

// Read when the file's worker loads this setup file, before the test file and its imports are collected.
const start = cpuSeconds();
const startS = Date.now() / 1000;
let expects = 0;
afterEach(() => {
  expects += expect.getState().assertionCalls;
});
afterAll(() => {
  const out = process.env.AIFABRIC_CPU_FILE;
  const file = expect.getState().testPath;
  if (!out || !file) return;
  const cpu = cpuSeconds() - start;
  const line = {
    file: relative(process.cwd(), file),
    cpu: Math.round(cpu * 10) / 10,
    start: Math.round(startS * 10) / 10,
    end: Math.round(Date.now() / 100) / 10,
    expects,
  };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
});
