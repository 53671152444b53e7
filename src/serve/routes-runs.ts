// The run routes (docs/serve.md, "The API"): simulations and the quick demo queued on worker threads, their
// events as server-sent events, cancel, a finished run's result and report, the last demo, and the sweeps' run
// store. A demo is a run like a simulation: the same events, cancel and result routes under /api/simulate/:id.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PointJob } from '../sweep/job.ts';
import { onThread, type ServeContext } from './context.ts';
import { errorBody } from './errors.ts';
import { SECURITY_HEADERS } from './headers.ts';
import type { RunEvent, RunManager } from './runs.ts';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Server-sent events of one run: every event so far, then new ones, closed after the last. */
function streamRun(runs: RunManager, id: string, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  // A hijacked reply skips Fastify's headers: the security headers are written here.
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  let unsubscribe: (() => void) | undefined;
  const write = (e: RunEvent) => {
    res.write(`event: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
    if (e.kind === 'result' || e.kind === 'error' || e.kind === 'cancelled') {
      unsubscribe?.();
      res.end();
    }
  };
  unsubscribe = runs.subscribe(id, write);
  req.raw.on('close', () => unsubscribe?.());
}

const notFound = (reply: FastifyReply, path: string, message: string) =>
  reply.code(404).send(errorBody(1, [{ path, message }]));

const unknownRun = (reply: FastifyReply, id: string) => notFound(reply, 'id', `no run ${id} on this server`);

/** 409 for a run that has no result (yet, or at all). */
const noResult = (reply: FastifyReply, id: string, state: string) =>
  reply
    .code(409)
    .send(errorBody(1, [{ path: 'id', message: `run ${id} is ${state}: a result exists only once it is done` }]));

function simulateRoutes(app: FastifyInstance, ctx: ServeContext, demoDirs: Map<string, string>): void {
  const { runs } = ctx;
  app.post('/api/simulate', async (req, reply) =>
    onThread(ctx, reply, { kind: 'prepare', body: req.body, limits: ctx.limits }, (job) => ({
      id: runs.submit(job as PointJob),
    })),
  );
  app.get('/api/simulate/:id/events', async (req: IdRequest, reply) => {
    if (runs.state(req.params.id) === undefined) return unknownRun(reply, req.params.id);
    streamRun(runs, req.params.id, req, reply);
  });
  app.delete('/api/simulate/:id', async (req: IdRequest, reply) => {
    if (!runs.cancel(req.params.id)) return unknownRun(reply, req.params.id);
    return { id: req.params.id, state: runs.state(req.params.id) };
  });
  app.get('/api/simulate/:id/result.json', async (req: IdRequest, reply) => {
    const { id } = req.params;
    const state = runs.state(id);
    if (state === undefined) return unknownRun(reply, id);
    if (state !== 'done') return noResult(reply, id, state);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${runs.kind(id)}-${id}.json"`)
      .send(JSON.stringify(runs.result(id)));
  });
  app.get('/api/simulate/:id/report.html', async (req: IdRequest, reply) => {
    const { id } = req.params;
    const state = runs.state(id);
    if (state === undefined) return unknownRun(reply, id);
    if (state !== 'done') return noResult(reply, id, state);
    const html = (text: unknown) => reply.type('text/html; charset=utf-8').send(text);
    // The demo wrote its report with its files; a simulation's is drawn on a checking thread (vega takes a while).
    const dir = demoDirs.get(id);
    if (dir !== undefined) return html(await readFile(join(dir, 'report.html'), 'utf8'));
    return onThread(ctx, reply, { kind: 'report', result: runs.result(id) }, html);
  });
}

/** The quick demo: one at a time (a second POST while one goes answers that one's id); the last that finished. */
function demoRoutes(app: FastifyInstance, ctx: ServeContext, demoDirs: Map<string, string>): void {
  const { runs } = ctx;
  const demos: string[] = [];
  app.post('/api/demo', async (req, reply) => {
    const going = demos.find((id) => runs.state(id) === 'queued' || runs.state(id) === 'running');
    if (going) return { id: going };
    const seed = (req.body as { seed?: unknown } | null)?.seed ?? 1;
    if (!Number.isSafeInteger(seed) || (seed as number) < 0)
      return reply
        .code(400)
        .send(
          errorBody(1, [{ path: 'seed', message: `${JSON.stringify(seed)} is not a whole number from 0 (e.g. 1)` }]),
        );
    // Named before the run has an id: the run may start (and need its folder) before submitRun returns.
    const dir = join(ctx.tmpDir, `demo-${demos.length + 1}`);
    mkdirSync(dir, { recursive: true });
    const id = runs.submitRun('demo', (port, signal) =>
      ctx.threads.demo({ dir, seed: seed as number, progress: port }, signal),
    );
    demos.push(id);
    demoDirs.set(id, dir);
    return { id };
  });
  app.get('/api/demo', async (_req, reply) => {
    const last = demos.findLast((id) => runs.state(id) === 'done');
    if (last === undefined)
      return notFound(reply, 'demo', 'no demo has finished on this server yet: POST /api/demo runs the quick demo');
    return runs.result(last);
  });
}

export function runRoutes(app: FastifyInstance, ctx: ServeContext): void {
  // Each demo's folder under the server's temporary folder, by run id.
  const demoDirs = new Map<string, string>();
  simulateRoutes(app, ctx, demoDirs);
  demoRoutes(app, ctx, demoDirs);
  app.get('/api/runs', async (req, reply) => {
    const q = req.query as { sweep?: string; status?: string };
    return onThread(ctx, reply, { kind: 'runs', path: ctx.runsDb, sweep: q.sweep, status: q.status });
  });
}
