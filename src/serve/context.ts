// What the routes share: the run manager, the server's threads, the limits, its temporary folder and the run
// store's path; and the one way a route hands a request to a checking thread and sends what comes back.
import type { FastifyReply } from 'fastify';
import type { ServeLimits } from './limits.ts';
import type { RunManager } from './runs.ts';
import type { CheckTask } from './tasks.ts';
import type { ServeThreads } from './threads.ts';

export interface ServeContext {
  runs: RunManager;
  threads: ServeThreads;
  limits: ServeLimits;
  tmpDir: string;
  runsDb: string;
}

/** Runs `task` on a checking thread; sends its error as it is, else returns its value to `then`. */
export async function onThread(
  ctx: ServeContext,
  reply: FastifyReply,
  task: CheckTask,
  then: (value: unknown) => unknown = (v) => v,
): Promise<unknown> {
  const a = await ctx.threads.check(task);
  if (!a.ok) return reply.code(a.status).send(a.body);
  return then(a.value);
}
