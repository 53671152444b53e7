// vitest globalSetup: builds dist/ from the current sources before any test runs, so the tests that spawn
// bin/aifabric.js (test/e2e/run-cli.ts) never run a stale build. A build that changes nothing writes nothing.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
}
