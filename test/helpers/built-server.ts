// `aifabric serve`'s server as the built command runs it (dist/serve/server.js, which test/build-first.ts builds
// from the current sources before any test), typed as its source. Imported from src/, the server's worker threads
// (the demo, the scenario checks, the simulations: src/serve/threads.ts) each load worker.ts and the whole library
// through tsx, compiling TypeScript in every thread; from dist/ they load JavaScript (serve-demo.test.ts alone:
// 43 s of CPU from src/, 25 s from dist/). A test that patches a server class patches the built one (built():
// browser/ui.test.ts replaces dist's ServeThreads.prototype.demo, the class the built server uses).
import type { startServer as StartServer } from '../../src/serve/server.ts';

/** A module of the built library, typed by the caller as its source: built<typeof import('../../src/serve/threads.ts')>('serve/threads.js'). */
export async function built<T>(path: string): Promise<T> {
  return (await import(new URL(`../../dist/${path}`, import.meta.url).href)) as T;
}

export async function startBuiltServer(...args: Parameters<typeof StartServer>): ReturnType<typeof StartServer> {
  const { startServer } = await built<typeof import('../../src/serve/server.ts')>('serve/server.js');
  return startServer(...args);
}
