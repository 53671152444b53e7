// One `aifabric demo --quick` per vitest run, shared by the test files that only read its output (demo.test.ts,
// browser/report.test.ts; serve-demo.test.ts compares its route's result with it): the first file to ask runs the
// built command once into the run's shared folder (test/shared-folder.ts, a globalSetup), the others wait for it
// and read the same files. A file run alone runs it itself; a run that has no such file runs no demo. What it leaves
// out: the runs that need their own demo (--no-pfc with the invariant seam in demo.test.ts, the server's route in
// serve-demo.test.ts) still run theirs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { CliRun } from '../e2e/run-cli.ts';

// As test/e2e/run-cli.ts (not imported: it loads the whole CLI into the worker).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/aifabric.js', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder that lives as long as the vitest run, for fixtures the test files share (test/shared-folder.ts). */
    sharedFolder: string;
  }
}

/** The shared demo: the command's exit code and streams, and the folder it wrote (`-o`): demo.json, report.html, runs/. */
export interface QuickDemo extends CliRun {
  dir: string;
}

/** Longer than a quick demo on a loaded machine (42 s measured on one), as the files' own 120 s timeouts. */
const WAIT_MS = 180_000;

/** The built command, spawned without blocking this worker's event loop (a sibling file may be waiting too). */
function runQuickDemo(out: string): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'demo', '--quick', '-o', out], { cwd: ROOT });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

/**
 * The run's quick demo. The folder `lock` is made by exactly one process (mkdir is atomic), which runs the demo and
 * then writes `cli.json`; the others poll for it. Its failure is each caller's failure (the exit code and stderr).
 */
export async function quickDemo(): Promise<QuickDemo> {
  const base = join(inject('sharedFolder'), 'quick-demo');
  const dir = join(base, 'out');
  const doneFile = join(base, 'cli.json');
  mkdirSync(base, { recursive: true });
  let mine = true;
  try {
    mkdirSync(join(base, 'lock'));
  } catch {
    mine = false;
  }
  if (mine) {
    const r = await runQuickDemo(dir);
    writeFileSync(doneFile, JSON.stringify(r));
    return { ...r, dir };
  }
  for (const t0 = Date.now(); !existsSync(doneFile); await sleep(200))
    if (Date.now() - t0 > WAIT_MS) throw new Error(`the shared quick demo did not finish within ${WAIT_MS / 1000} s`);
  return { ...(JSON.parse(readFileSync(doneFile, 'utf8')) as CliRun), dir };
}
