// The CLI as a program: runs main on the process's arguments. scripts/build.mjs bundles from here into
// dist/aifabric.js, which bin/aifabric.js runs; `node --import tsx src/cli/run.ts` runs the sources.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
