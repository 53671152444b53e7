#!/usr/bin/env node
// Runs the built CLI (dist/aifabric.js, bundled from src/cli/run.ts by `npm run build`, which `npm ci` runs
// through `prepare`): plain JavaScript starts in a fraction of the time tsx takes to compile the sources.
try {
  await import('../dist/aifabric.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/aifabric.js')) throw e;
  process.stderr.write('error: aifabric is not built (no dist/aifabric.js): run `npm run build` (npm ci does)\n');
  process.exitCode = 3;
}
