// `npm run bench`: one JSON object per benchmark (name, figure, unit, machine). Speed is measured here,
// never asserted in tests. Each benchmark reports the median of a few runs and its budget from the issue.
import { cpus } from 'node:os';
import { loadCatalog } from '../src/catalog/index.ts';
import { designFabric, planDesigns } from '../src/fabric/index.ts';
import type { FabricSpec } from '../src/scenario/schema.ts';

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
const catalog = loadCatalog();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bench(name: string, runs: number, budgetMs: number, fn: () => Record<string, unknown>): void {
  const times: number[] = [];
  let info: Record<string, unknown> = {};
  fn(); // warm-up (JIT)
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    info = fn();
    times.push(performance.now() - t);
  }
  const ms = median(times);
  const out = {
    name,
    figure: Math.round(ms),
    unit: 'ms',
    budgetMs,
    withinBudget: ms <= budgetMs,
    runs,
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    ...info,
    machine,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const spec = (s: Partial<FabricSpec>): FabricSpec => ({
  hosts: 1,
  nic: '400G',
  gpusPerNode: 1,
  northSouthShare: 0.25,
  ...s,
});

bench('fat-tree k=64, 65,536 hosts: graph, routing, BOM, metrics', 3, 2000, () => {
  const d = designFabric(spec({ topology: 'fat-tree', hosts: 65536, switch: 'generic-64x400g', k: 64 }), catalog);
  return { nodes: d.fabric.nodes.length, links: d.fabric.links.length, bisectionTbps: d.metrics.bisectionBps / 1e12 };
});

bench('planner over the whole catalog, 100,000 GPUs (8 per server, 400G)', 3, 5000, () => {
  const r = planDesigns(spec({ hosts: 100_000, gpusPerNode: 8 }), catalog);
  return {
    candidates: r.feasible.length + r.rejected.length,
    feasible: r.feasible.length,
    best: r.feasible[0] ? `${r.feasible[0].topology} ${r.feasible[0].switch}` : null,
  };
});
