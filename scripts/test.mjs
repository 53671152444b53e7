// `npm test`: type-check (the library and web/), lint, then every vitest test (which build dist/ first:
// test/build-first.ts); ends with the ten slowest tests and the plain line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
let passed = 0;
let failed = 0;
for (const [label, cmd, args] of [
  ['type-check (tsc --noEmit)', bin('tsc'), ['--noEmit']],
  // The web page has its own settings (the DOM library, JSX): web/tsconfig.json.
  ['type-check web/ (tsc --noEmit -p web)', bin('tsc'), ['--noEmit', '-p', 'web']],
  ['lint (biome check)', bin('biome'), ['check', '.']],
]) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === 0) {
    passed++;
    console.log(`ok: ${label}`);
  } else {
    failed++;
    console.log(`FAILED: ${label}`);
  }
}
const dir = mkdtempSync(join(tmpdir(), 'aifabric-test-'));
const summary = join(dir, 'summary.json');
const extra = process.argv.slice(2);
const r = spawnSync(bin('vitest'), ['run', ...extra], {
  stdio: 'inherit',
  env: { ...process.env, AIFABRIC_SUMMARY_FILE: summary },
});
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
