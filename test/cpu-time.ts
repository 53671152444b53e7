// vitest setupFile, on only when AIFABRIC_CPU_FILE names a file (vitest.config.ts): appends one line per test file,
// `{"file", "cpu"}`, the CPU seconds that file took (its process's user+system time, plus the processes it spawned
// and waited for: /proc/self/stat utime, stime, cutime, cstime). CPU time, unlike wall time, does not grow when
// other work shares the machine, so files can be ranked on a loaded machine. Linux only; the worker's own start-up
// before this setup file loads is left out.
import { appendFileSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, expect } from 'vitest';

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
afterAll(() => {
  const out = process.env.AIFABRIC_CPU_FILE;
  const file = expect.getState().testPath;
  if (!out || !file) return;
  const cpu = cpuSeconds() - start;
  appendFileSync(out, `${JSON.stringify({ file: relative(process.cwd(), file), cpu: Math.round(cpu * 10) / 10 })}\n`);
});
