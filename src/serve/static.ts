// The built web page (web/, built to web/dist/ by `npm run build:web`, which `npm ci` runs through `prepare`)
// served by `aifabric serve` from this machine: index.html at `/`, the hashed bundles under /assets/. Paths under
// /api/ that no route has keep Fastify's own 404, and no path can leave web/dist/. Without a build, `/` says how
// to make one. Leaves out: compression (the page comes over loopback).
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Two levels up from src/serve/ and from dist/serve/ alike. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function serveWebPage(app: FastifyInstance, dir = WEB_DIST): void {
  app.get('/*', async (req, reply) => {
    const path = decodeURIComponent(req.url.split('?')[0]);
    if (path.startsWith('/api/')) return reply.callNotFound();
    const rel = normalize(path === '/' ? 'index.html' : path.slice(1));
    if (rel.startsWith('..') || rel.includes(`${sep}..`)) return reply.callNotFound();
    const body = await readFile(join(dir, rel)).catch(() => undefined);
    if (!body) {
      if (rel === 'index.html')
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send('The web page is not built: run `npm run build:web` (npm ci does it), then reload.\n');
      return reply.callNotFound();
    }
    // The bundles' names carry their content hash: cached for good; the page itself is asked for each time.
    reply.header('cache-control', rel.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(TYPES[extname(rel)] ?? 'application/octet-stream').send(body);
  });
}
