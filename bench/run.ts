// `npm run bench`: one JSON object per benchmark (name, figure, unit, machine). Speed is measured here,
// never asserted in tests. Each benchmark reports the median of a few runs and its budget from the issue.
import { cpus } from 'node:os';
import { loadCatalog } from '../src/catalog/index.ts';
import { designFabric, planDesigns } from '../src/fabric/index.ts';
import { fabricSpec } from '../src/scenario/schema.ts';

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

const spec = fabricSpec;

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

// Packet engine: a permutation of 2 MB per host with DCQCN and PFC on k=8 (128 hosts) and k=16 (1,024 hosts)
// fat-trees of 100G hosts. Reference (the issue): a C++ packet simulator takes about 0.65 s and 21 s.
import { runPacket } from '../src/engine/packet/engine.ts';
import { parseScenario } from '../src/scenario/load.ts';
import { compileTraffic } from '../src/workload/program.ts';
import { runEventQueueBench } from './event-queue.ts';

function packetBench(k: number, referenceS: number, runs: number): void {
  const yaml = `
fabric: {topology: fat-tree, hosts: ${k ** 3 / 4}, nic: 100G, switch: aurcore-32x400g, k: ${k}}
network: {pfc: true, cc: dcqcn, mtu: 1000}
traffic: [{pattern: permutation, bytes: 2MB}]
`;
  const s = parseScenario(yaml, catalog);
  const d = designFabric(s.fabric, catalog);
  const program = compileTraffic(s, d.fabric);
  const times: number[] = [];
  let last: ReturnType<typeof runPacket> | undefined;
  for (let i = 0; i < runs; i++) {
    last = runPacket(d.fabric, program, s, catalog, { seed: s.seed });
    times.push(last.stats.wallMs);
  }
  const ms = median(times);
  process.stdout.write(
    `${JSON.stringify({
      name: `packet engine: k=${k} fat-tree (${k ** 3 / 4} hosts, 100G) permutation of 2 MB, DCQCN + PFC`,
      figure: ms,
      unit: 'ms',
      events: last?.stats.events,
      eventsPerSec: Math.round((last?.stats.events ?? 0) / (ms / 1000)),
      peakRssMB: last?.stats.peakRssMB,
      referenceMs: referenceS * 1000,
      ratioToReference: Math.round((ms / (referenceS * 1000)) * 100) / 100,
      runs,
      machine,
    })}\n`,
  );
}

runEventQueueBench();
packetBench(8, 0.65, 3);
if (!process.argv.includes('--quick')) packetBench(16, 21, 1);
