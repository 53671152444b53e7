// The HTTP server of `aifabric serve` (docs/serve.md): a JSON API over the same library the CLI calls, behind an
// access token, as Jupyter does. Every /api route needs the token (`Authorization: Bearer TOKEN`, or `?token=` for
// EventSource, which cannot send headers). Requests that parse what a client sent run on the server's threads
// (threads.ts), simulations and the demo on worker threads (runs.ts): the event loop only routes. The built web page
// (web/dist) is served by static.ts.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { loadCatalog } from '../catalog/index.ts';
import { apiError, errorBody } from './errors.ts';
import { SECURITY_HEADERS } from './headers.ts';
import { DEFAULT_LIMITS, type ServeLimits } from './limits.ts';
import { designRoutes } from './routes-design.ts';
import { runRoutes } from './routes-runs.ts';
import { RunManager } from './runs.ts';
import { serveWebPage } from './static.ts';
import { ServeThreads } from './threads.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** Given: this token; else a random one. */
  token?: string;
  limits?: Partial<ServeLimits>;
  /** The sweeps' run store GET /api/runs reads (default: aifabric-runs.db in the working folder, as `runs`). */
  runsDb?: string;
}

export interface Server {
  app: FastifyInstance;
  /** The address it listens on and the URL to open (with the token). */
  address: { host: string; port: number };
  url: string;
  token: string;
  runs: RunManager;
  /** The server's temporary folder (the demo's files); removed when it stops. */
  tmpDir: string;
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

/** The token check, the security headers on every answer, YAML bodies, and errors in the API's JSON shape. */
function hooks(app: FastifyInstance, token: string, limits: ServeLimits): void {
  // Scenario text as YAML; Fastify reads text/plain itself.
  app.addContentTypeParser(['text/yaml', 'application/yaml'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!req.url.startsWith('/api/')) return;
    if (!sameToken(tokenOf(req), token))
      return reply
        .code(401)
        .send(errorBody(1, [{ path: 'token', message: 'missing or wrong: use the URL aifabric serve printed' }]));
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
}

/** Builds the server and starts listening. */
export async function startServer(opts: ServeOptions): Promise<Server> {
  const limits: ServeLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const token = opts.token ?? newToken();
  const app = Fastify({ bodyLimit: limits.bodyBytes });
  hooks(app, token, limits);
  const runs = new RunManager(limits.maxRuns, limits.maxWallMs);
  const threads = new ServeThreads();
  const tmpDir = mkdtempSync(join(tmpdir(), 'aifabric-serve-'));
  const ctx = { runs, threads, limits, tmpDir, runsDb: opts.runsDb ?? 'aifabric-runs.db' };
  designRoutes(app, loadCatalog(), ctx);
  runRoutes(app, ctx);
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
    tmpDir,
    close: async () => {
      await runs.close();
      await threads.close();
      await app.close();
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}
