// The design routes (docs/serve.md, "The API"): the catalog, the scenario's JSON Schema, one design or the
// planner's ranking, the design's downloads, and the editor's validation. Everything that parses a client's
// input runs on a checking thread (context.ts).
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../catalog/index.ts';
import { scenarioJsonSchema } from '../scenario/schema.ts';
import { onThread, type ServeContext } from './context.ts';
import type { PlanFile } from './plan.ts';
import { builtinScenarios } from './scenario-input.ts';

export function designRoutes(app: FastifyInstance, catalog: Catalog, ctx: ServeContext): void {
  app.get('/api/catalog', async () => ({
    version: 1,
    switches: [...catalog.switches.values()],
    nics: [...catalog.nics.values()],
    media: [...catalog.media.values()],
    gpus: [...catalog.gpus.values()],
    scenarios: builtinScenarios(),
  }));
  // The same zod schema `aifabric schema` prints and `npm run docs` documents: one definition.
  const schema = scenarioJsonSchema();
  app.get('/api/schema', async () => schema);
  app.post('/api/plan', async (req, reply) => onThread(ctx, reply, { kind: 'plan', body: req.body, top: 15 }));
  app.post('/api/planner', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const { topology: _t, ...fabric } = (b.fabric ?? b) as Record<string, unknown>;
    const top = typeof b.top === 'number' ? b.top : 15;
    return onThread(ctx, reply, { kind: 'plan', body: { fabric }, top });
  });
  app.post('/api/plan/files', async (req, reply) =>
    onThread(ctx, reply, { kind: 'plan-file', body: req.body }, (v) => {
      const f = v as PlanFile;
      return reply
        .type(f.contentType)
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .send(f.content);
    }),
  );
  // `{"yaml": "..."}`, or the text itself as text/yaml.
  app.post('/api/validate', async (req, reply) => {
    const yaml = typeof req.body === 'string' ? req.body : (req.body as { yaml?: unknown } | null)?.yaml;
    return onThread(ctx, reply, { kind: 'validate', yaml });
  });
}
