#!/usr/bin/env node
// Runs the built CLI (dist/cli/run.js, compiled from src/ by `npm run build`, which `npm ci` runs through
// `prepare`): plain JavaScript starts in a fraction of the time tsx takes to compile the sources.
try {
  await import('../dist/cli/run.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli/run.js')) throw e;
  process.stderr.write('error: aifabric is not built (no dist/cli/run.js): run `npm run build` (npm ci does)\n');
  process.exitCode = 3;
}
