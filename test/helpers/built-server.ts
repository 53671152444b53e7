// `aifabric serve`'s server as the built command runs it (dist/serve/server.js, which test/build-first.ts builds
// from the current sources before any test), typed as its source. Imported from src/, the server's worker threads
// (the demo, the scenario checks, the simulations: src/serve/threads.ts) each load worker.ts and the whole library
// through tsx, compiling TypeScript in every thread; from dist/ they load JavaScript (serve-demo.test.ts alone:
// 43 s of CPU from src/, 35 s from dist/). What it leaves out: a test that patches a server class (browser/ui.test.ts
// replaces ServeThreads.prototype.demo) imports src/, where its patch reaches.
import type { startServer as StartServer } from '../../src/serve/server.ts';

const BUILT = new URL('../../dist/serve/server.js', import.meta.url).href;

export async function startBuiltServer(...args: Parameters<typeof StartServer>): ReturnType<typeof StartServer> {
  const { startServer } = (await import(BUILT)) as typeof import('../../src/serve/server.ts');
  return startServer(...args);
}
