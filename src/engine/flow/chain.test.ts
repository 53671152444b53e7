// Differential tests of the flow engine's chained repetitions (FlowSim.chain): the same programs run with the
// chain and repetition by repetition (chain: false) must give the same result, to the picosecond and the byte:
// every flow, op and iteration time, every link's bytes, the counters and the invariants (all but the stats
// block, whose event count depends on how many events ran). Programs mix rings (lag-1 step deps) that share
// links with each other and with flows that start mid-run (ending solo runs), lag-0 pipelines, delays, deps,
// and training jobs compiled from scenarios; with failures the chain is off and both runs agree trivially.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { Result } from '../../result/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { fabricSpec, networkSchema } from '../../scenario/schema.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { plainTransfer, type TrafficProgram, type Transfer } from '../../workload/program.ts';
import { type FlowDiagnostics, runFlow } from './engine.ts';

const catalog = loadCatalog();
const US = 1e6;

const FAT = designFabric(
  fabricSpec({ topology: 'fat-tree', hosts: 16, switch: 'aurcore-32x400g', k: 4 }),
  catalog,
).fabric;
const LEAF = designFabric(fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g' }), catalog).fabric;

function both(
  f: Fabric,
  program: TrafficProgram,
  network?: Record<string, unknown>,
  seed = 1,
): { chained: Result; plain: Result; reps: number } {
  const s = { seed, network: network ? networkSchema.parse(network) : undefined };
  const diagnostics: FlowDiagnostics = { chainedRepetitions: 0 };
  const chained = runFlow(f, program, s, catalog, { seed, diagnostics });
  const plain = runFlow(f, program, s, catalog, { seed, chain: false });
  return { chained, plain, reps: diagnostics.chainedRepetitions };
}

function expectSame(a: Result, b: Result): void {
  expect({ ...a, stats: null }).toEqual({ ...b, stats: null });
  for (const i of a.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  expect(a.completed).toBe(true);
}

/** A seeded LCG in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed * 7919 + 17;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Rings of random ranks (lag 1, some hops shared between rings through ECMP), a lag-0 pipeline and a lag-1 chain
 * (not a cycle), a delay after a ring, and plain flows that start while the rings run.
 */
function randomProgram(f: Fabric, seed: number): TrafficProgram {
  const rnd = lcg(seed);
  const H = f.hosts.length;
  const host = (i: number) => f.hosts[i] as NodeId;
  const pick = (n: number) => {
    const all = Array.from({ length: H }, (_, i) => i);
    for (let i = H - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, n);
  };
  const t: Transfer[] = [];
  const add = (x: Transfer) => {
    t.push(x);
    return x.id;
  };
  const task = (src: number, dst: number, bytes: number, extra: Partial<Transfer>): Transfer => ({
    ...plainTransfer(t.length, host(src), host(dst), bytes, 0, 0, 'roce'),
    ...extra,
  });
  const rings: number[][] = [];
  for (let k = 0, n = 2 + Math.floor(rnd() * 3); k < n; k++) {
    const p = 3 + Math.floor(rnd() * 6);
    const ranks = pick(p);
    const repeat = rnd() < 0.5 ? 2 * (p - 1) : 3 + Math.floor(rnd() * 30);
    const bytes = Math.round(2e4 + rnd() * 2e6);
    const startPs = Math.round(rnd() * 40 * US);
    const base = t.length;
    for (let i = 0; i < p; i++)
      add(
        task(ranks[i], ranks[(i + 1) % p], bytes, {
          repeat,
          startPs,
          stepDeps: [base + ((i - 1 + p) % p)],
          stepLags: [1],
        }),
      );
    rings.push(Array.from({ length: p }, (_, i) => base + i));
  }
  // A lag-0 pipeline (tree-like) and a lag-1 chain that is not a cycle.
  for (const lag of [0, 1]) {
    const hs = pick(5);
    const repeat = 4 + Math.floor(rnd() * 20);
    const bytes = Math.round(5e4 + rnd() * 5e5);
    let prev = -1;
    for (let i = 0; i + 1 < hs.length; i++)
      prev = add(
        task(hs[i], hs[i + 1], bytes, {
          repeat,
          startPs: Math.round(rnd() * 20 * US),
          ...(prev >= 0 ? { stepDeps: [prev], stepLags: [lag] } : {}),
        }),
      );
  }
  // A delay after the first ring, then a transfer after the delay.
  const [a, b] = pick(2);
  const d = add({ ...task(a, a, 0, { deps: rings[0] }), kind: 'delay', durationPs: Math.round(rnd() * 30 * US) });
  add(task(a, b, Math.round(1e5 + rnd() * 1e6), { deps: [d], repeat: 3 }));
  // Flows that start while the rings run: each joins the links of some ring hops.
  for (let k = 0, n = 5 + Math.floor(rnd() * 25); k < n; k++) {
    const [s, r] = pick(2);
    add(
      task(s, r, Math.round(1e4 + rnd() * 3e6), {
        startPs: Math.round(rnd() * 600 * US),
        repeat: 1 + Math.floor(rnd() * 3),
      }),
    );
  }
  return { transfers: t, ops: [] };
}

describe('flow engine: chained repetitions give the results of repetition-by-repetition events', () => {
  // Chained repetitions per random case (a case whose rings are all exclusive chains none).
  const chainedBySeed: number[] = [];
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'random rings, pipelines (lag 0 and 1) and joining flows on a k=4 fat-tree (seed %i)',
    (seed) => {
      const { chained, plain, reps } = both(FAT, randomProgram(FAT, seed), undefined, seed);
      expectSame(chained, plain);
      chainedBySeed.push(reps);
    },
  );

  it.each([1, 2, 3])('the same on a 64-host leaf-spine (seed %i)', (seed) => {
    const { chained, plain, reps } = both(LEAF, randomProgram(LEAF, 100 + seed), undefined, seed);
    expectSame(chained, plain);
    chainedBySeed.push(reps);
  });

  it('not vacuous: most random cases chained repetitions', () => {
    console.log(`chained repetitions per random case: ${chainedBySeed.join(' ')}`);
    expect(chainedBySeed.length).toBe(15);
    expect(chainedBySeed.filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);
  });

  it('a ring joined by flows on its hosts mid-run: solo runs end inside chains and resume', () => {
    const f = LEAF;
    const p = 8;
    const base = {
      repeat: 2 * (p - 1),
      stepLags: [1],
    };
    const t: Transfer[] = [];
    for (let i = 0; i < p; i++)
      t.push({
        ...plainTransfer(i, f.hosts[i * 5] as NodeId, f.hosts[((i + 1) % p) * 5] as NodeId, 1e6, 0, 0, 'roce'),
        ...base,
        stepDeps: [(i - 1 + p) % p],
      });
    // Every 7 us a flow from a ring host to a host outside the ring: it shares that host's uplink.
    for (let k = 0; k < 40; k++)
      t.push(
        plainTransfer(p + k, f.hosts[(k % p) * 5] as NodeId, f.hosts[63 - k] as NodeId, 3e5, k * 7 * US, 0, 'roce'),
      );
    const { chained, plain, reps } = both(f, { transfers: t, ops: [] });
    expectSame(chained, plain);
    expect(reps).toBeGreaterThan(20);
  });

  it('with link failures the chain is off and the results agree', () => {
    const up = FAT.links.find((l) => FAT.nodes[l.a].role !== 'host' && FAT.nodes[l.b].role !== 'host');
    if (!up) throw new Error('no switch-to-switch link');
    const link = `${FAT.nodes[up.a].name}-${FAT.nodes[up.b].name}`;
    const { chained, plain, reps } = both(FAT, randomProgram(FAT, 3), {
      failures: [{ link, at: 20 * US, until: 200 * US }],
    });
    expectSame(chained, plain);
    expect(reps).toBe(0);
  });

  it.each([
    [
      'a MoE job (tp 2, dp 8, ep 2: rings, all-to-alls and compute)',
      'fabric: {topology: fat-tree, hosts: 16, nic: 400G, switch: aurcore-32x400g, k: 4, gpusPerNode: 2}\ntraffic:\n  - job: {params: 2e7, bytesPerGrad: 2, tp: 2, dp: 8, ep: 2, layers: 2, moeBytesPerLayer: 4MiB, stepCompute: 2ms, buckets: 4}',
    ],
    [
      'two iterations of a data-parallel job with 4 buckets on a 2:1 leaf-spine',
      'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, oversubscription: 2}\ntraffic:\n  - job: {params: 1e8, bytesPerGrad: 2, dp: 64, stepCompute: 2ms, buckets: 4, iterations: 2}',
    ],
    [
      // 512 hosts: the chain log grows (a new array) while a pass runs down a ring; a pass that kept writing to
      // the old array queued events at undefined times (found on a 4,096-GPU job with one bucket).
      'a MoE job on 512 GPUs whose chain log grows during a pass (tp 4, dp 128, ep 4, one bucket)',
      'fabric: {topology: fat-tree, hosts: 512, nic: 400G, switch: generic-64x400g, k: 16, gpusPerNode: 4}\ntraffic:\n  - job: {params: 1e9, bytesPerGrad: 2, tp: 4, dp: 128, ep: 4, layers: 2, moeBytesPerLayer: 4MiB, stepCompute: 50ms, buckets: 1}',
    ],
    [
      // Every rail (issue 14): 8 rings, each 7 intra-server delays and one fabric hop in 8, some hops across the
      // spine sharing uplinks; delays and the exclusive transfers next to them are chained.
      'a ring all-reduce on 8 servers of 8 GPUs with every rail, across two leaves',
      'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}\ntraffic:\n  - {collective: all-reduce, algorithm: ring, bytes: 16MiB}',
    ],
    [
      'a ring all-reduce and a double binary tree at once',
      'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g}\ntraffic:\n  - {collective: all-reduce, algorithm: ring, bytes: 64MiB, ranks: 32}\n  - {collective: all-reduce, algorithm: double-binary-tree, bytes: 16MiB}',
    ],
  ])('%s', (_, yaml) => {
    const s = parseScenario(yaml, catalog);
    const f = designFabric(s.fabric, catalog).fabric;
    const program = compileTraffic(s, f);
    const diagnostics: FlowDiagnostics = { chainedRepetitions: 0 };
    const chained = runFlow(f, program, s, catalog, { seed: s.seed, diagnostics });
    const plain = runFlow(f, program, s, catalog, { seed: s.seed, chain: false });
    expectSame(chained, plain);
    expect(diagnostics.chainedRepetitions).toBeGreaterThan(0);
  });
  // The CLI runs with --until (10 s by default): a cut at maxTimePs must leave what the repetition-by-repetition
  // run leaves, with the clock at that run's last event (chained starts and arrivals included), at any cut.
  it.each([0.15, 0.4, 0.75])('cut at %s of the run with maxTimePs: the same partial result', (share) => {
    const yaml =
      'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}\ntraffic:\n  - {collective: all-reduce, algorithm: ring, bytes: 16MiB}\n  - job: {params: 1e7, bytesPerGrad: 2, dp: 64, stepCompute: 200us, buckets: 2}';
    const s = parseScenario(yaml, catalog);
    const f = designFabric(s.fabric, catalog).fabric;
    const program = compileTraffic(s, f);
    const whole = runFlow(f, program, s, catalog, { seed: s.seed, chain: false });
    const maxTimePs = Math.round(whole.simulatedPs * share);
    const diagnostics: FlowDiagnostics = { chainedRepetitions: 0 };
    const chained = runFlow(f, program, s, catalog, { seed: s.seed, maxTimePs, diagnostics });
    const plain = runFlow(f, program, s, catalog, { seed: s.seed, maxTimePs, chain: false });
    expect(chained.completed).toBe(false);
    expect({ ...chained, stats: null }).toEqual({ ...plain, stats: null });
    expect(diagnostics.chainedRepetitions).toBeGreaterThan(0);
  });
});
