// The module graph of src/ as its import lines say, and the two checks the layering test runs on it: imports
// that go down the layers (docs/architecture.md, "Layering") and module cycles. It reads the sources with
// regular expressions, not the compiler: every import of ours starts a line (`import`/`export ... from`) or is a
// dynamic `import('./x.ts')` with a literal path, and names its file with the `.ts` extension. Package imports
// (`node:fs`, `zod`) are left out: only edges between our own files matter here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Edges by importing module; paths are relative to the repository root with `/` separators (`src/x/y.ts`). */
export type ImportGraph = Map<string, string[]>;

/** One level of the house: its units, which may not import each other (a unit is a name and its paths). */
export type Level = readonly { name: string; paths: readonly string[] }[];

const STATIC_IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The relative specifiers a source file imports, in order of appearance per kind. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const re of [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT])
    for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The import graph of every `.ts` file under `root/dir`, edges resolved to repository paths. */
export function readImportGraph(root: string, dir = 'src'): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(join(root, dir))) {
    const from = relative(root, file).split('\\').join('/');
    const edges = importSpecifiers(readFileSync(file, 'utf8')).map((spec) =>
      posix.normalize(posix.join(posix.dirname(from), spec)),
    );
    graph.set(from, edges);
  }
  return graph;
}

/** The unit a module belongs to and its level (0 is the bottom), by the longest matching path; undefined if none. */
export function unitOf(levels: readonly Level[], module: string): { name: string; level: number } | undefined {
  let best: { name: string; level: number; length: number } | undefined;
  levels.forEach((units, level) => {
    for (const u of units)
      for (const p of u.paths) {
        const hit = p.endsWith('/') ? module.startsWith(p) : module === p;
        if (hit && (!best || p.length > best.length)) best = { name: u.name, level, length: p.length };
      }
  });
  return best && { name: best.name, level: best.level };
}

/**
 * Every import that is not allowed, one line each: a module may import its own unit or a unit on a lower level.
 * A module outside every unit is reported too, so a new folder must be given its place.
 */
export function layerViolations(graph: ImportGraph, levels: readonly Level[], exempt = (_m: string) => false) {
  const out: string[] = [];
  for (const [from, edges] of graph) {
    const a = unitOf(levels, from);
    if (!a) {
      out.push(`${from}: in no layer (give its folder a place in the layering test and docs/architecture.md)`);
      continue;
    }
    if (exempt(from)) continue;
    for (const to of edges) {
      const b = unitOf(levels, to);
      if (!b) continue; // reported as its own line when it is under the scanned folder
      if (b.name === a.name || b.level < a.level) continue;
      const how = b.level === a.level ? 'a sibling on its own level' : 'a higher level';
      out.push(`${from} (${a.name}) imports ${to} (${b.name}): ${how}`);
    }
  }
  return out;
}

/** Every module cycle (Tarjan's strongly connected components of more than one module, or a self-import). */
export function cycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The repository root, from this file's place in it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
