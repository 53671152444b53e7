// Differential tests of the flow engine's ring solver (ring.ts): the same programs run with it (the default) and
// repetition by repetition (chain: false) must give the same result, to the picosecond and the byte (every
// flow, op and iteration time, every link's bytes, the counters and the invariants; all but the stats block,
// whose event count depends on how many events ran), whole and cut at maxTimePs. Programs: every-rail ring
// all-reduces (delays inside servers, fabric hops exclusive or sharing spine uplinks through ECMP) on
// non-power-of-two server counts and several channel counts, and random rings of delays and transfers whose
// first repetitions start at different times (startPs, deps), some all-delay (a cycle with no shared hop); and a
// run of fabric hops and delays led by a hop faster than the rest, whose pace changes, cut at 82 times (a step
// over the run taken wrongly shows at a cut in its window).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { Result } from '../../result/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { fabricSpec } from '../../scenario/schema.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { plainTransfer, type TrafficProgram, type Transfer } from '../../workload/program.ts';
import { type FlowDiagnostics, runFlow } from './engine.ts';

const catalog = loadCatalog();
const US = 1e6;

function same(a: Result, b: Result): void {
  expect({ ...a, stats: null }).toEqual({ ...b, stats: null });
}

/** Steps over a run of hops taken at once, over all the cases of this file. */
let collapsed = 0;

/** Runs the program with the solver and without, whole or cut at maxTimePs; returns the solver's repetitions. */
function compare(f: Fabric, program: TrafficProgram, maxTimePs?: number): number {
  const diagnostics: FlowDiagnostics = { chainedRepetitions: 0 };
  const solved = runFlow(f, program, { seed: 1 }, catalog, { seed: 1, maxTimePs, diagnostics });
  const plain = runFlow(f, program, { seed: 1 }, catalog, { seed: 1, maxTimePs, chain: false });
  same(solved, plain);
  if (maxTimePs === undefined) {
    expect(solved.completed).toBe(true);
    for (const i of solved.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  } else expect(solved.completed).toBe(false);
  collapsed += diagnostics.ringCollapsed ?? 0;
  return diagnostics.ringRepetitions ?? 0;
}

function compiled(yaml: string): { fabric: Fabric; program: TrafficProgram } {
  const s = parseScenario(yaml, catalog);
  const fabric = designFabric(s.fabric, catalog).fabric;
  return { fabric, program: compileTraffic(s, fabric) };
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
 * Rings of random length mixing delays (random durations) and transfers between random hosts, each hop's
 * first repetition at its own startPs, some hops after a delay (deps), one ring all delays; and a few plain
 * flows that share links with ring hops mid-run.
 */
function randomRings(f: Fabric, seed: number): TrafficProgram {
  const rnd = lcg(seed);
  const H = f.hosts.length;
  const host = (i: number) => f.hosts[i] as NodeId;
  const t: Transfer[] = [];
  const gate = t.length;
  t.push({ ...plainTransfer(0, host(0), host(0), 0, 0, 0, 'roce'), kind: 'delay', durationPs: 7 * US });
  for (let k = 0, n = 2 + Math.floor(rnd() * 3); k < n; k++) {
    const p = 3 + Math.floor(rnd() * 14);
    const repeat = 2 + Math.floor(rnd() * 40);
    const base = t.length;
    const delaysOnly = k === 0;
    for (let i = 0; i < p; i++) {
      const a = Math.floor(rnd() * H);
      const b = (a + 1 + Math.floor(rnd() * (H - 1))) % H;
      const delay = delaysOnly || rnd() < 0.6;
      const hop: Transfer = {
        ...plainTransfer(
          t.length,
          host(a),
          host(delay ? a : b),
          delay ? 0 : Math.round(1e4 + rnd() * 5e5),
          0,
          0,
          'roce',
        ),
        repeat,
        startPs: rnd() < 0.3 ? Math.round(rnd() * 20 * US) : 0,
        deps: rnd() < 0.15 ? [gate] : [],
        stepDeps: [base + ((i - 1 + p) % p)],
        stepLags: [1],
      };
      // Durations from a small set, so that runs of like delays occur (stepped over at once).
      t.push(delay ? { ...hop, kind: 'delay', durationPs: [1, 2, 2, 3][Math.floor(rnd() * 4)] * US } : hop);
    }
  }
  for (let k = 0; k < 6; k++) {
    const a = Math.floor(rnd() * H);
    t.push(
      plainTransfer(
        t.length,
        host(a),
        host((a + 1) % H),
        Math.round(1e5 + rnd() * 2e6),
        Math.round(rnd() * 200 * US),
        0,
        'roce',
      ),
    );
  }
  return { transfers: t, ops: [] };
}

const LEAF = designFabric(fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g' }), catalog).fabric;
const FAT = designFabric(
  fabricSpec({ topology: 'fat-tree', hosts: 16, switch: 'aurcore-32x400g', k: 4 }),
  catalog,
).fabric;

describe('flow engine: the ring solver gives the results of repetition-by-repetition events', () => {
  it.each([
    // 6 servers of 8 on one leaf: every fabric hop exclusive, 8 rings of delays and exclusive hops (cycles).
    ['6 servers of 8, one leaf, default channels', 48, 'aurcore-32x400g', 'channels: auto'],
    // 5 servers across leaves of 16 hosts: some fabric hops cross the spine and share uplinks (ECMP).
    ['5 servers of 8 across leaves, default channels', 40, 'aurcore-32x400g', 'channels: auto'],
    ['7 servers of 8 across leaves, 3 channels', 56, 'aurcore-32x400g', 'channels: 3'],
    ['6 servers of 8 across leaves, 16 channels', 48, 'aurcore-32x400g', 'channels: 16'],
    ['24 of 40 GPUs (3 servers), one channel', 40, 'aurcore-32x400g', 'channels: 1, ranks: 24'],
    // NVLink slower than the NIC: the delays set the pace, a run's first delay starts when it has sent, not
    // on its input (a run is stepped over at once only while its hops start on their input).
    ['4 servers of 8 across leaves, 100G NVLink', 40, 'aurcore-32x400g', 'channels: auto', '100G'],
  ])('every-rail ring all-reduce: %s', (_, hosts, sw, extra, nvlink = '3600G') => {
    const { fabric, program } = compiled(
      `fabric: {topology: leaf-spine, hosts: ${hosts}, nic: 400G, switch: ${sw}, gpusPerNode: 8, intraServer: {bandwidth: ${nvlink}}}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: 3MiB, ${extra}}]\n`,
    );
    expect(compare(fabric, program)).toBeGreaterThan(0);
  });

  it.each([0.05, 0.3, 0.6, 0.95])('cut at %s of the run (maxTimePs): the same partial result', (share) => {
    const { fabric, program } = compiled(
      'fabric: {topology: leaf-spine, hosts: 40, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: 3MiB}]\n',
    );
    const whole = runFlow(fabric, program, { seed: 1 }, catalog, { seed: 1, chain: false });
    expect(compare(fabric, program, Math.round(whole.simulatedPs * share))).toBeGreaterThan(0);
  });

  it('runs of identical delays whose pace changes: flows joining the fabric hops come and go', () => {
    // Ring: per host, a fabric hop in then 6 delays of 1 us; the hop into h40 crosses the spine and shares h2's
    // uplink with flows that come and go, the others are exclusive (0.4 us). That hop sets the pace only while
    // flows share its link, so the runs start on their input, then on their own send time, and back.
    const host = (i: number) => LEAF.hosts[i] as NodeId;
    const t: Transfer[] = [];
    const servers = [0, 1, 2, 40];
    const p = servers.length * 7;
    for (let k = 0; k < servers.length; k++)
      for (let j = 0; j < 7; j++) {
        const id = t.length;
        const a = host(servers[k]);
        const hop = { repeat: 40, stepDeps: [(id - 1 + p) % p], stepLags: [1] };
        if (j === 0) t.push({ ...plainTransfer(id, host(servers[(k + 3) % 4]), a, 2e4, 0, 0, 'roce'), ...hop });
        else t.push({ ...plainTransfer(id, a, a, 0, 0, 0, 'roce'), ...hop, kind: 'delay', durationPs: US });
      }
    for (let k = 0; k < 12; k++)
      t.push(plainTransfer(t.length, host(2), host(50 + (k % 8)), 3e5 + k * 4e4, (5 + 9 * k) * US, 0, 'roce'));
    const before = collapsed;
    compare(LEAF, { transfers: t, ops: [] });
    expect(collapsed - before).toBeGreaterThan(0);
  });

  it('runs mixing fabric hops and delays, led by a hop faster than the rest: stepped over only while in step', () => {
    // Ring: h3 -> h40 crosses the spine and shares h3's uplink with flows that come and go (the event engine
    // runs it); then h40 -> h41 (exclusive, 0.4 us: the run's first hop, faster than the delays after it), 6
    // delays of 1 us at h41, h41 -> h0 across the spine, 6 delays, h0 -> h1, 6 delays, h1 -> h2, 6 delays,
    // h2 -> h3. One run from h40 -> h41 to the last delay: while the shared hop is slow (1.6 us with a flow
    // beside it) every hop of the run starts on its input and the run is stepped over; when it speeds up (0.8 us
    // alone) the inputs come closer than the delays' 1 us but not than the first hop's 0.4 us, and the run must
    // go hop by hop (its delays set the pace; no hop outside the run would take a wrong step back).
    const host = (i: number) => LEAF.hosts[i] as NodeId;
    const t: Transfer[] = [];
    const hops: [number, number, number][] = [
      [3, 40, 4e4],
      [40, 41, 2e4],
      [41, 0, 2e4],
      [0, 1, 2e4],
      [1, 2, 2e4],
      [2, 3, 2e4],
    ];
    const delaysAfter = [false, true, true, true, true, false];
    const p = hops.length + 6 * delaysAfter.filter(Boolean).length;
    const hop = (id: number) => ({ repeat: 60, stepDeps: [(id - 1 + p) % p], stepLags: [1] });
    hops.forEach(([a, b, bytes], k) => {
      t.push({ ...plainTransfer(t.length, host(a), host(b), bytes, 0, 0, 'roce'), ...hop(t.length) });
      if (delaysAfter[k])
        for (let j = 0; j < 6; j++)
          t.push({
            ...plainTransfer(t.length, host(b), host(b), 0, 0, 0, 'roce'),
            ...hop(t.length),
            kind: 'delay',
            durationPs: US,
          });
    });
    for (let k = 0; k < 8; k++)
      t.push(plainTransfer(t.length, host(3), host(50 + (k % 8)), 2e5 + k * 5e4, (4 + 11 * k) * US, 0, 'roce'));
    const before = collapsed;
    const program = { transfers: t, ops: [] };
    compare(LEAF, program);
    expect(collapsed - before).toBeGreaterThan(0);
    // A step taken wrongly makes times early that the shared hop, slow again, later absorbs: the end results can
    // hide it, the state at a cut in its window cannot (repetitions started, bytes sent and delivered by then).
    const whole = runFlow(LEAF, program, { seed: 1 }, catalog, { seed: 1, chain: false }).simulatedPs;
    for (let i = 1; i < 83; i++) compare(LEAF, program, Math.round((whole * i) / 100));
  });

  const reps: number[] = [];
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'random rings of delays and transfers, staggered starts (seed %i)',
    (seed) => {
      reps.push(compare(FAT, randomRings(FAT, seed)));
    },
  );
  it.each([1, 2, 3])('the same cut at a third of the run (seed %i)', (seed) => {
    const program = randomRings(FAT, 50 + seed);
    const whole = runFlow(FAT, program, { seed: 1 }, catalog, { seed: 1, chain: false });
    reps.push(compare(FAT, program, Math.round(whole.simulatedPs / 3)));
  });
  it('not vacuous: the solver took part in every random case', () => {
    expect(reps.length).toBe(13);
    expect(reps.filter((n) => n > 0).length).toBe(13);
    console.log(`steps over a run of hops taken at once: ${collapsed}`);
    expect(collapsed).toBeGreaterThan(0);
  });
});
