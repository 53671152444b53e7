// The HTTP server of `aifabric serve` (docs/serve.md): a JSON API over the same library the CLI calls, behind an
// access token, as Jupyter does. Every /api route needs the token (`Authorization: Bearer TOKEN`, or `?token=` for
// EventSource, which cannot send headers). Simulations run on worker threads (runs.ts). Left out here: the web
// page (a later slice serves the built client from this server), the demo and run-store routes.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import { apiError, errorBody } from './errors.ts';
import { DEFAULT_LIMITS, type ServeLimits } from './limits.ts';
import { planJson } from './plan.ts';
import { type RunEvent, RunManager } from './runs.ts';
import { builtinScenarios } from './scenario-input.ts';
import { simulateJob } from './simulate.ts';
import { serveWebPage } from './static.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** Given: this token; else a random one. */
  token?: string;
  limits?: Partial<ServeLimits>;
}

export interface Server {
  app: FastifyInstance;
  /** The address it listens on and the URL to open (with the token). */
  address: { host: string; port: number };
  url: string;
  token: string;
  runs: RunManager;
  close: () => Promise<void>;
}

/** 24 random bytes: as hard to guess as Jupyter's token. */
export const newToken = (): string => randomBytes(24).toString('hex');

function tokenOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(reply: FastifyReply, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    const { status, body } = apiError(e);
    return reply.code(status).send(body);
  }
}

/** Server-sent events of one run: every event so far, then new ones, closed after the last. */
function streamRun(runs: RunManager, id: string, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
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

function routes(app: FastifyInstance, runs: RunManager, catalog: Catalog, limits: ServeLimits): void {
  app.get('/api/catalog', async () => ({
    version: 1,
    switches: [...catalog.switches.values()],
    nics: [...catalog.nics.values()],
    media: [...catalog.media.values()],
    gpus: [...catalog.gpus.values()],
    scenarios: builtinScenarios(),
  }));
  app.post('/api/plan', async (req, reply) => send(reply, () => planJson(req.body, catalog)));
  app.post('/api/planner', async (req, reply) =>
    send(reply, () => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const { topology: _t, ...fabric } = (b.fabric ?? b) as Record<string, unknown>;
      return planJson({ fabric }, catalog, typeof b.top === 'number' ? b.top : 15);
    }),
  );
  app.post('/api/simulate', async (req, reply) =>
    send(reply, () => ({ id: runs.submit(simulateJob(req.body, catalog, limits)) })),
  );
  const unknownRun = (reply: FastifyReply, id: string) =>
    reply.code(404).send(errorBody(1, [{ path: 'id', message: `no run ${id} on this server` }]));
  app.get<{ Params: { id: string } }>('/api/simulate/:id/events', async (req, reply) => {
    if (runs.state(req.params.id) === undefined) return unknownRun(reply, req.params.id);
    streamRun(runs, req.params.id, req, reply);
  });
  app.delete<{ Params: { id: string } }>('/api/simulate/:id', async (req, reply) => {
    if (!runs.cancel(req.params.id)) return unknownRun(reply, req.params.id);
    return { id: req.params.id, state: runs.state(req.params.id) };
  });
}

/** Builds the server and starts listening. */
export async function startServer(opts: ServeOptions): Promise<Server> {
  const limits: ServeLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const token = opts.token ?? newToken();
  const app = Fastify({ bodyLimit: limits.bodyBytes });
  // Scenario text as YAML; Fastify reads text/plain itself.
  app.addContentTypeParser(['text/yaml', 'application/yaml'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    if (!sameToken(tokenOf(req), token))
      return reply
        .code(401)
        .send(errorBody(1, [{ path: 'token', message: 'missing or wrong: use the URL aifabric serve printed' }]));
  });
  // The page (a later slice) loads nothing from elsewhere; the API's answers are data, never scripts.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', "default-src 'self'");
    reply.header('x-content-type-options', 'nosniff');
  });
  app.setErrorHandler((e: Error & { statusCode?: number }, _req, reply) => {
    const status = e.statusCode ?? 500;
    if (status === 413)
      return reply
        .code(413)
        .send(errorBody(1, [{ path: 'body', message: `over ${limits.bodyBytes} bytes: send a smaller scenario` }]));
    if (status < 500) return reply.code(status).send(errorBody(1, [{ path: 'body', message: e.message }]));
    const { body } = apiError(e);
    return reply.code(500).send(body);
  });
  const runs = new RunManager(limits.maxRuns, limits.maxWallMs);
  routes(app, runs, loadCatalog(), limits);
  serveWebPage(app);
  await app.listen({ port: opts.port, host: opts.host });
  const a = app.server.address();
  const address = a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: opts.host, port: opts.port };
  const shown = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    app,
    address,
    url: `http://${shown}:${address.port}/?token=${token}`,
    token,
    runs,
    close: async () => {
      await runs.close();
      await app.close();
    },
  };
}
