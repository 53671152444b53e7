// `npm test`: type-check (the library and web/), lint, then every vitest test (which build dist/ first:
// test/build-first.ts); ends with the ten slowest tests and the plain line `N passed, N failed`.
// The type-checks and the lint (about 30 s of one core, 10 s when the type-checks' incremental state is current)
// run one after another beside vitest, at a lower priority (nice 10): they take the CPU vitest leaves idle (its
// start-up and build, a worker done before the other at the end) and give way to the test workers otherwise, so
// they never slow the tests more than running them first did.
// Their output is printed after vitest's, each with its ok or FAILED line.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);

// tsc's incremental state (--incremental, --tsBuildInfoFile), one folder per checkout outside it (node_modules is
// shared by worktrees; dist/ is pruned by the build): a type-check with nothing changed since the last `npm test`
// re-reads the state instead of checking every file again (5 s of CPU instead of 18 s for the library here), an
// edit re-checks the files it can affect, and the diagnostics are the same as a full check's. A fresh machine has
// no state: its first run is a full check.
const STATE = join(tmpdir(), `aifabric-tsc-${createHash('sha256').update(resolve('.')).digest('hex').slice(0, 12)}`);
mkdirSync(STATE, { recursive: true });
const incremental = (name) => ['--incremental', '--tsBuildInfoFile', join(STATE, `${name}.tsbuildinfo`)];

const CHECKS = [
  ['type-check (tsc --noEmit)', bin('tsc'), ['--noEmit', ...incremental('lib')]],
  // The web page has its own settings (the DOM library, JSX): web/tsconfig.json.
  ['type-check web/ (tsc --noEmit -p web)', bin('tsc'), ['--noEmit', '-p', 'web', ...incremental('web')]],
  ['lint (biome check)', bin('biome'), ['check', '.']],
];

/** Runs a command to its end; `output` is its stdout and stderr as they came when not inherited. */
function run(cmd, args, { env, inherit = false, nice = 0 } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'], env });
    if (nice !== 0 && child.pid !== undefined)
      try {
        setPriority(child.pid, nice);
      } catch {
        // Not permitted here: it runs at the usual priority.
      }
    const out = [];
    child.stdout?.on('data', (b) => out.push(b));
    child.stderr?.on('data', (b) => out.push(b));
    child.on('error', (e) => done({ status: null, output: `${e.message}\n` }));
    child.on('close', (status) => done({ status, output: Buffer.concat(out).toString('utf8') }));
  });
}

async function checks() {
  const results = [];
  for (const [label, cmd, args] of CHECKS) results.push({ label, ...(await run(cmd, args, { nice: 10 })) });
  return results;
}

const dir = mkdtempSync(join(tmpdir(), 'aifabric-test-'));
const summary = join(dir, 'summary.json');
const extra = process.argv.slice(2);
const [checked, r] = await Promise.all([
  checks(),
  run(bin('vitest'), ['run', ...extra], {
    inherit: true,
    env: { ...process.env, AIFABRIC_SUMMARY_FILE: summary },
  }),
]);
let passed = 0;
let failed = 0;
for (const c of checked) {
  process.stdout.write(c.output);
  if (c.status === 0) {
    passed++;
    console.log(`ok: ${c.label}`);
  } else {
    failed++;
    console.log(`FAILED: ${c.label}`);
  }
}
try {
  const s = JSON.parse(readFileSync(summary, 'utf8'));
  passed += s.passed;
  failed += s.failed;
  // The ten slowest tests (test/summary-reporter.ts), just above the closing line.
  for (const line of s.slowest) console.log(line);
} catch {
  failed++;
  console.log('FAILED: vitest did not report a summary');
}
rmSync(dir, { recursive: true, force: true });
if (r.status !== 0 && failed === 0) failed++;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
