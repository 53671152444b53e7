// A run's identity in the store (issue 19): the hash of everything that decides its result, so a rerun finds what is
// already computed and a changed input or a changed program makes a new key. What goes in: the expanded scenario
// (canonical JSON, keys sorted), the contents of every file it references (trace CSVs), the engine, the seed, and a
// hash of the code that ran it (every source or built file under src/ or dist/, and catalog/). Left out: the
// bundled traces under data/ (checksummed there and fixed per release) and Node's own version.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../scenario/schema.ts';
import type { PointFile } from './job.ts';

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

function hashTree(root: string, into: ReturnType<typeof createHash>, skip: RegExp): void {
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!skip.test(e.name)) into.update(relative(root, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(root);
}

let cachedCode: string | undefined;

/** The hash of the program that runs the points: src/ when run from the sources, dist/ when run from the build,
 * with the catalog it reads. Tests beside the code do not run points, so they are left out. */
export function codeHash(): string {
  if (cachedCode) return cachedCode;
  const h = createHash('sha256');
  hashTree(fileURLToPath(new URL('../', import.meta.url)), h, /\.(test|contract)\.ts$/);
  hashTree(fileURLToPath(new URL('../../catalog/', import.meta.url)), h, /^$/);
  cachedCode = h.digest('hex');
  return cachedCode;
}

const BUNDLED_TRACES = new Set(['conv', 'code']);

/** The files a scenario reads besides itself: inference traces given as CSV paths (relative to the working
 * folder, as `aifabric simulate` reads them), with where they sit in the scenario. */
export function referencedFiles(s: Scenario): { at: (string | number)[]; ref: string }[] {
  const out: { at: (string | number)[]; ref: string }[] = [];
  (s.traffic ?? []).forEach((t, i) => {
    if (!('inference' in t)) return;
    const a = t.inference.arrivals;
    if ('trace' in a && !BUNDLED_TRACES.has(a.trace))
      out.push({ at: ['traffic', i, 'inference', 'arrivals', 'trace'], ref: a.trace });
    const tk = t.inference.tokens;
    if ('sample' in tk && !BUNDLED_TRACES.has(tk.sample))
      out.push({ at: ['traffic', i, 'inference', 'tokens', 'sample'], ref: tk.sample });
  });
  return out;
}

/** The store key of one run. */
export function runKey(scenario: Scenario, engine: string, seed: number, files: PointFile[], code: string): string {
  const contents = files.map((f) => [f.ref, sha256(f.content)]);
  return sha256(canonicalJson({ scenario, engine, seed, files: contents, code }));
}
