// The layering rule of docs/architecture.md ("Layering"), checked on the import lines of src/: the pipe
// scenario -> fabric -> workload -> engine -> report -> cli runs one way, and no module cycle remains.
// Tests beside the code (`*.test.ts`, `*.contract.ts`) may check a stage against a higher one (a schedule
// against the analytic engine's closed form), so the direction rule skips them; cycles are checked everywhere.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cycles,
  type ImportGraph,
  importSpecifiers,
  type Level,
  layerViolations,
  REPO_ROOT,
  readImportGraph,
} from './helpers/import-graph.ts';

const folder = (name: string) => ({ name, paths: [`src/${name}/`] });

/** Bottom to top. Units on one level are independent of each other (the engines share only engine/core). */
const LAYERS: readonly Level[] = [
  [{ name: 'base', paths: ['src/base/', 'src/errors.ts', 'src/messages.ts'] }],
  [folder('result')],
  [folder('catalog')],
  [folder('scenario')],
  [folder('fabric')],
  [folder('workload')],
  [folder('engine/core')],
  [folder('engine/analytic'), folder('engine/flow'), folder('engine/packet')],
  [folder('engine/inference')],
  // The engine folder's own files (index.ts, which picks an engine); its subfolders match longer paths above.
  [{ name: 'engine', paths: ['src/engine/'] }],
  [folder('report')],
  // The demo and sweeps both run the pipe (sweep: src/sweep/run-point.ts) and read the report; neither imports the other.
  [folder('demo'), folder('sweep')],
  // `aifabric serve`'s HTTP API runs simulations on the sweeps' worker pool; the CLI starts it.
  [folder('serve')],
  [folder('cli')],
  [{ name: 'api', paths: ['src/index.ts'] }],
];

const isTest = (m: string) => /\.(test|contract)\.ts$/.test(m);

describe('layering of src/ (docs/architecture.md, "Layering")', () => {
  const graph = readImportGraph(REPO_ROOT);

  it('reads the whole source tree', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/workload/program.ts')).toContain('src/workload/collective.ts');
  });

  it('every import it read names an existing file (the reading is not misled by text that looks like an import)', () => {
    const missing = [...graph].flatMap(([from, edges]) =>
      edges.filter((to) => !existsSync(join(REPO_ROOT, to))).map((to) => `${from} -> ${to}`),
    );
    expect(missing).toEqual([]);
  });

  it('no import runs from a lower stage to a higher one, nor between sibling engines', () => {
    expect(layerViolations(graph, LAYERS, isTest)).toEqual([]);
  });

  it('no module cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });
});

describe('the checks find what they look for (negative controls on synthetic graphs)', () => {
  const levels: readonly Level[] = [
    [folder('base')],
    [folder('scenario')],
    [folder('engine/flow'), folder('engine/packet')],
  ];
  const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it('the reader finds every form of import of our files, and no package import', () => {
    const source = [
      "import { z } from 'zod';",
      "import type { A } from './a.ts';",
      'import {',
      '  b,',
      '  type B,',
      "} from '../b.ts';",
      "export { c } from './c.ts';",
      "export type * from './d.ts';",
      "import './e.ts';",
      "const f = await import('./f.ts');",
      "const g = 'not from ./g.ts';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(['../b.ts', './a.ts', './c.ts', './d.ts', './e.ts', './f.ts']);
  });

  it('a planted backwards import is reported', () => {
    const g = graphOf({
      'src/base/units.ts': ['src/scenario/schema.ts'],
      'src/scenario/schema.ts': [],
    });
    expect(layerViolations(g, levels)).toEqual([
      'src/base/units.ts (base) imports src/scenario/schema.ts (scenario): a higher level',
    ]);
  });

  it('an import between sibling units is reported, one within a unit or downwards is not', () => {
    const g = graphOf({
      'src/engine/flow/engine.ts': ['src/engine/packet/mmu.ts', 'src/engine/flow/chain.ts', 'src/base/units.ts'],
      'src/engine/packet/mmu.ts': [],
      'src/engine/flow/chain.ts': [],
      'src/base/units.ts': [],
    });
    expect(layerViolations(g, levels)).toEqual([
      'src/engine/flow/engine.ts (engine/flow) imports src/engine/packet/mmu.ts (engine/packet): a sibling on its own level',
    ]);
  });

  it('a module outside every layer is reported', () => {
    const g = graphOf({ 'src/sweep/pool.ts': [] });
    expect(layerViolations(g, levels)).toHaveLength(1);
  });

  it('a planted cycle (and a self-import) is reported, a diamond is not', () => {
    expect(cycles(graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['d'] }))).toEqual([['a', 'b', 'c'], ['d']]);
    expect(cycles(graphOf({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toEqual([]);
  });
});
