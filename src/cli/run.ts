// The CLI as a program: runs main on the process's arguments. bin/aifabric.js runs its build (dist/cli/run.js,
// scripts/build.mjs); `node --import tsx src/cli/run.ts` runs the sources.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
