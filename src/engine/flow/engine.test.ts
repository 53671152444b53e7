import { describe, expect, it } from 'vitest';
import { ecmpPath } from '../../../test/helpers/paths.ts';
import { allInvariantsOk } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { Result } from '../../result/types.ts';
import { fabricSpec, networkSchema } from '../../scenario/schema.ts';
import { plainTransfer, type TrafficProgram, type Transfer } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import { runPacket } from '../packet/engine.ts';
import { runFlow } from './engine.ts';

const catalog = loadCatalog();
const NET = networkSchema.parse({});
const US = 1e6;

function leafSpine(hosts: number): Fabric {
  return designFabric(fabricSpec({ topology: 'leaf-spine', hosts, switch: 'aurcore-32x400g' }), catalog).fabric;
}

const F64 = leafSpine(64);
const h = (f: Fabric, i: number) => f.hosts[i] as NodeId;

/** A transfer task with program.ts's fields; `extra` overrides any. */
function xfer(id: number, src: NodeId, dst: NodeId, bytes: number, extra: Partial<Transfer> = {}): Transfer {
  return { ...plainTransfer(id, src, dst, bytes, 0, 0, 'roce'), ...extra };
}

function delay(id: number, on: NodeId, durationPs: number, extra: Partial<Transfer> = {}): Transfer {
  return { ...xfer(id, on, on, 0, extra), kind: 'delay', durationPs, ...extra };
}

function run(f: Fabric, program: TrafficProgram | Transfer[], seed = 1, network?: Record<string, unknown>): Result {
  const p = Array.isArray(program) ? { transfers: program, ops: [] } : program;
  return runFlow(f, p, { seed, network: network ? networkSchema.parse(network) : undefined }, catalog, { seed });
}

function invariant(r: Result, name: string) {
  const i = r.invariants.find((x) => x.name === name);
  if (!i) throw new Error(`no invariant ${name}`);
  return i;
}

// Expected numbers come from the fabric's links and the catalog, never from the engine: payload bytes per ps
// of a link with full-MTU frames, and the last packet's latency along a path (store and forward at each hop,
// propagation at 5 ns/m, the switch model's latency at each switch).
const FRAME = NET.mtu + NET.headerBytes + NET.wireOverheadBytes;
const capOf = (rateBps: number) => ((rateBps / 8e12) * NET.mtu) / FRAME;

/** The engine's name of a directed link: `node:port -> node:port`. */
function linkName(f: Fabric, l: number, from: NodeId): string {
  const k = f.links[l];
  return k.a === from
    ? `${f.nodes[k.a].name}:${k.aPort} -> ${f.nodes[k.b].name}:${k.bPort}`
    : `${f.nodes[k.b].name}:${k.bPort} -> ${f.nodes[k.a].name}:${k.aPort}`;
}

function pathNames(f: Fabric, path: number[], src: NodeId): string[] {
  let at = src;
  return path.map((l) => {
    const n = linkName(f, l, at);
    at = f.peer(l as never, at);
    return n;
  });
}

function pathLatencyPs(f: Fabric, path: number[], src: NodeId): number {
  let ps = 0;
  let at: number = src;
  for (const l of path) {
    const link = f.links[l];
    at = f.peer(link.id, at as NodeId);
    ps += (FRAME * 8e12) / link.rateBps + link.lengthM * 5000;
    const node = f.nodes[at];
    if (node.role !== 'host') ps += catalog.switches.get(node.model!)!.latencyPs;
  }
  return ps;
}

describe('flow engine: one flow on an idle leaf-spine', () => {
  it('takes path latency + bytes / payload capacity, to the picosecond', () => {
    const bytes = 10e6;
    const r = run(F64, [xfer(0, h(F64, 0), h(F64, 40), bytes)]);
    const path = ecmpPath(F64, h(F64, 0), h(F64, 40), flowHashes(1, 1)[0]);
    expect(path).toHaveLength(4);
    const cap = Math.min(...path.map((l) => capOf(F64.links[l].rateBps)));
    const want = pathLatencyPs(F64, path, h(F64, 0)) + bytes / cap;
    // Event times are whole picoseconds (the send time and the latency are each rounded up).
    expect(Math.abs(r.flows[0].fctPs - want)).toBeLessThanOrEqual(2);
    expect(r.flows[0].slowdown).toBeCloseTo(1, 6);
    expect(r.completed).toBe(true);
    expect(r.engine).toBe('flow');
    expect(r.counters.deliveredBytes).toBe(bytes);
    expect(r.ports).toEqual([]);
    allInvariantsOk(r);
  });

  it('reports the bytes on each directed link of its path, with its tier and the east-west share', () => {
    const r = run(F64, [xfer(0, h(F64, 0), h(F64, 40), 1e6)]);
    const path = ecmpPath(F64, h(F64, 0), h(F64, 40), flowHashes(1, 1)[0]);
    const names = pathNames(F64, path, h(F64, 0));
    expect(names[0]).toMatch(/^h0:nic0 -> leaf0:eth\d+$/);
    expect(r.links!.map((s) => s.link).sort()).toEqual([...names].sort());
    for (const s of r.links!) expect(s.bytes).toBeCloseTo(1e6, 3);
    expect(r.links!.map((s) => s.tiers).sort()).toEqual(['host-leaf', 'host-leaf', 'leaf-spine', 'leaf-spine']);
    expect(r.traffic).toEqual({ eastWestBytes: 1e6, northSouthBytes: 0, eastWestShare: 1 });
  });
});

describe('flow engine: max-min fair rates', () => {
  // h0..h15 hang off leaf0: every flow below crosses only its source's uplink and its destination's downlink.
  const S = 4e6;
  const c = capOf(400e9);
  const lat = pathLatencyPs(F64, ecmpPath(F64, h(F64, 0), h(F64, 1), 0), h(F64, 0));
  const fct = (r: Result, i: number) => r.flows[i].fctPs - lat;

  it('progressive filling: h5 downlink shared by 3 flows (1/3 each), h0 uplink gives the 4th the rest (2/3)', () => {
    // A: h0->h1, B: h0->h5, C: h2->h5, D: h3->h5. A runs at 2c/3 until S is sent (1.5 S/c); B, C, D at c/3
    // have S/2 left and finish together at 3 S/c (h5 then received 3 S at c).
    const r = run(F64, [
      xfer(0, h(F64, 0), h(F64, 1), S),
      xfer(1, h(F64, 0), h(F64, 5), S),
      xfer(2, h(F64, 2), h(F64, 5), S),
      xfer(3, h(F64, 3), h(F64, 5), S),
    ]);
    expect(fct(r, 0) / (S / c)).toBeCloseTo(1.5, 6);
    for (const i of [1, 2, 3]) expect(fct(r, i) / (S / c)).toBeCloseTo(3, 6);
    allInvariantsOk(r);
  });

  it('parking lot: a flow across two shared links gets B/2 like each of the flows it meets', () => {
    // A: h0->h1 meets B: h0->h2 on h0's uplink and C: h3->h1 on h1's downlink: all three at c/2.
    const r = run(F64, [
      xfer(0, h(F64, 0), h(F64, 1), S),
      xfer(1, h(F64, 0), h(F64, 2), S),
      xfer(2, h(F64, 3), h(F64, 1), S),
    ]);
    for (const i of [0, 1, 2]) expect(fct(r, i) / (S / c)).toBeCloseTo(2, 6);
    allInvariantsOk(r);
  });

  it.each([2, 5, 15])('incast of %i flows to one host: each gets 1/n and all finish together at n S / c', (n) => {
    const r = run(
      F64,
      Array.from({ length: n }, (_, i) => xfer(i, h(F64, i + 1), h(F64, 0), S)),
    );
    for (let i = 0; i < n; i++) expect(fct(r, i) / (S / c)).toBeCloseTo(n, 6);
    expect(new Set(r.flows.map((f) => f.endPs)).size).toBe(1);
    allInvariantsOk(r);
  });

  it('a flow that starts later takes its share from then on (rates are recomputed when the set changes)', () => {
    // A alone for S/(2c), then A and B share h0's uplink: A's last S/2 at c/2 takes S/c; B then has S/2 left.
    const r = run(F64, [
      xfer(0, h(F64, 0), h(F64, 1), S),
      xfer(1, h(F64, 0), h(F64, 2), S, { startPs: Math.round(S / (2 * c)) }),
    ]);
    expect(fct(r, 0) / (S / c)).toBeCloseTo(1.5, 5);
    expect((r.flows[1].endPs - lat) / (S / c)).toBeCloseTo(2, 5);
    allInvariantsOk(r);
  });

  it('a flow joining a repeated flow mid-repetition shares from then on, repetition after repetition (solo runs end)', () => {
    // A: 3 repetitions of S, alone until B joins h0's uplink at 1.5 S/c (A's 2nd repetition half sent). A's 2nd
    // ends at 2.5; B has S/2 left, sent at c/2 beside A's 3rd (to 3.5); A's 3rd has S/2 left alone: ends at 4.
    const r = run(F64, [
      xfer(0, h(F64, 0), h(F64, 1), S, { repeat: 3 }),
      xfer(1, h(F64, 0), h(F64, 2), S, { startPs: Math.round((1.5 * S) / c) }),
    ]);
    expect((r.flows[0].endPs - lat) / (S / c)).toBeCloseTo(4, 5);
    expect((r.flows[1].endPs - lat) / (S / c)).toBeCloseTo(3.5, 5);
    allInvariantsOk(r);
  });
});

/** Ring all-reduce as a program: task i sends rank i -> i+1, 2(p-1) steps of n/p bytes, each after the previous rank's step. */
function ringProgram(f: Fabric, p: number, n: number): TrafficProgram {
  const transfers = Array.from({ length: p }, (_, i) =>
    xfer(i, h(f, i), h(f, (i + 1) % p), n / p, {
      repeat: 2 * (p - 1),
      stepDeps: [(i - 1 + p) % p],
      stepLags: [1],
      op: 0,
    }),
  );
  return {
    transfers,
    ops: [
      {
        id: 0,
        kind: 'collective',
        op: 'all-reduce',
        algorithm: 'ring',
        ranks: Array.from(f.hosts.slice(0, p)) as NodeId[],
        bytes: n,
        durationPs: 0,
        deps: [],
        firstTask: 0,
        lastTask: p,
        item: 0,
        iteration: -1,
        label: 'all-reduce ring',
      },
    ],
  };
}

describe('flow engine: ring all-reduce against the closed form (issue 4: within 2%)', () => {
  it.each([8, 32, 128])('p = %i on a non-blocking leaf-spine: 2(p-1)(alpha + n/(pB)) within 2%', (p) => {
    const f = leafSpine(Math.max(p, 32));
    const n = 2 ** 30;
    const r = run(f, ringProgram(f, p, n));
    const B = capOf(400e9);
    const hashes = flowHashes(1, p);
    // alpha: the slowest ring hop's path latency (p > 16 crosses leaves).
    const alpha = Math.max(
      ...Array.from({ length: p }, (_, i) =>
        pathLatencyPs(f, ecmpPath(f, h(f, i), h(f, (i + 1) % p), hashes[i]), h(f, i)),
      ),
    );
    const want = 2 * (p - 1) * (alpha + n / (p * B));
    const got = r.ops![0].timePs;
    expect(Math.abs(got - want) / want, `got ${got} ps, closed form ${want} ps`).toBeLessThanOrEqual(0.02);
    expect(r.ops![0].busbwGBps).toBeGreaterThan(0);
    expect(r.flows).toEqual([]);
    allInvariantsOk(r);
  });
});

describe('flow engine: program semantics', () => {
  const S = 1e6;
  const c = capOf(400e9);
  const lat = pathLatencyPs(F64, ecmpPath(F64, h(F64, 0), h(F64, 1), 0), h(F64, 0));
  const D = S / c;

  it('a compute delay, then a transfer that depends on it, then one that starts at its own startPs', () => {
    const r = run(F64, [
      delay(0, h(F64, 0), 5 * US),
      xfer(1, h(F64, 0), h(F64, 1), S, { deps: [0] }),
      xfer(2, h(F64, 2), h(F64, 3), S, { deps: [0], startPs: 20 * US }),
    ]);
    expect(r.flows.map((x) => x.id)).toEqual([1, 2]);
    expect(r.flows[0].startPs).toBe(5 * US);
    expect(Math.abs(r.flows[0].endPs - (5 * US + D + lat))).toBeLessThanOrEqual(2);
    expect(r.flows[1].startPs).toBe(20 * US);
    expect(r.completed).toBe(true);
    allInvariantsOk(r);
  });

  it('ops and iterations come from task times: a compute op then a flows op in one iteration', () => {
    const program: TrafficProgram = {
      transfers: [delay(0, h(F64, 0), 5 * US, { op: 0 }), xfer(1, h(F64, 0), h(F64, 1), S, { deps: [0], op: 1 })],
      ops: [
        {
          id: 0,
          kind: 'compute',
          ranks: [],
          bytes: 0,
          durationPs: 5 * US,
          deps: [],
          firstTask: 0,
          lastTask: 1,
          item: 0,
          iteration: 0,
          label: 'compute',
        },
        {
          id: 1,
          kind: 'flows',
          ranks: [],
          bytes: S,
          durationPs: 0,
          deps: [0],
          firstTask: 1,
          lastTask: 2,
          item: 0,
          iteration: 0,
          label: 'flows',
        },
      ],
    };
    const r = run(F64, program);
    expect(r.flows).toEqual([]);
    expect(r.ops!.map((o) => [o.op, o.startPs])).toEqual([
      ['compute', 0],
      ['flows', 5 * US],
    ]);
    expect(r.ops![0].endPs).toBe(5 * US);
    expect(r.iterations).toHaveLength(1);
    expect(r.iterations![0].computePs).toBe(5 * US);
    expect(Math.abs(r.iterations![0].exposedCommPs - (D + lat))).toBeLessThanOrEqual(2);
  });

  // A: h0->h1, 3 repetitions back to back (each may start once the previous one is sent); B: h2->h3, 3
  // repetitions, rep r after A's rep r finished (lag 0). A's reps are sent at D, 2D, 3D and arrive a latency
  // later; B's rep r starts at (r+1) D + lat, so B ends at 4D + 2 lat.
  const reps = (extra: Transfer[] = []) =>
    run(F64, [
      xfer(0, h(F64, 0), h(F64, 1), S, { repeat: 3 }),
      xfer(1, h(F64, 2), h(F64, 3), S, { repeat: 3, stepDeps: [0], stepLags: [0] }),
      ...extra,
    ]);

  it('repetitions: one byte stream per QP; stepDeps with lag 0 wait for the same repetition', () => {
    const r = reps();
    expect(r.flows[0].startPs).toBe(0);
    expect(Math.abs(r.flows[0].endPs - (3 * D + lat))).toBeLessThanOrEqual(3);
    expect(Math.abs(r.flows[1].startPs - (D + lat))).toBeLessThanOrEqual(2);
    expect(Math.abs(r.flows[1].endPs - (4 * D + 2 * lat))).toBeLessThanOrEqual(4);
    expect(r.counters.deliveredBytes).toBe(6 * S);
    allInvariantsOk(r);
  });

  it('the same repetitions give the same times when their links are shared by a flow at another time', () => {
    // A flow on A's and B's links much later: A and B are no longer alone on their links by construction, so
    // they take the general path (link lists, recomputations) instead of the exclusive-flow shortcut.
    const alone = reps();
    const shared = reps([
      xfer(2, h(F64, 0), h(F64, 3), S, { startPs: 1e9 }),
      xfer(3, h(F64, 2), h(F64, 1), S, { startPs: 1e9 }),
    ]);
    expect(shared.flows.slice(0, 2)).toEqual(alone.flows);
    allInvariantsOk(shared);
  });

  it('a step of 8 flows into one host repeated 10 times (the same component every step, solved once)', () => {
    const n = 8;
    const r = run(
      F64,
      Array.from({ length: n }, (_, i) =>
        xfer(i, h(F64, i + 1), h(F64, 0), S, { repeat: 10, stepDeps: [(i + 1) % n], stepLags: [1] }),
      ),
    );
    // Each step: n S at c into h0, then the last byte's latency before the next step may start.
    const want = 10 * (n * D + lat);
    expect(Math.abs(r.simulatedPs - want)).toBeLessThanOrEqual(20);
    allInvariantsOk(r);
  });

  it('a task waiting on one that never finishes leaves the run incomplete, and says so', () => {
    const r = run(F64, [
      xfer(0, h(F64, 0), h(F64, 1), S, { stepDeps: [1], stepLags: [0] }),
      xfer(1, h(F64, 2), h(F64, 3), S, { stepDeps: [0], stepLags: [0] }),
    ]);
    expect(r.completed).toBe(false);
    expect(r.flows[0].endPs).toBe(-1);
    expect(invariant(r, 'every task completed').ok).toBe(false);
  });
});

describe('flow engine: stopping early', () => {
  it('maxTimePs cuts the run: incomplete, link bytes as sent by then, bytes still conserved, progress reported', () => {
    // A and B share h0's uplink (B from 20 us); C is alone on its links (an exclusive flow). The last event
    // before 50 us is B's start, where the run stops: A and C have each sent 20 us at the full rate.
    const S = 10e6;
    const c = capOf(400e9);
    const calls: number[][] = [];
    const program = {
      transfers: [
        xfer(0, h(F64, 0), h(F64, 1), S),
        xfer(1, h(F64, 0), h(F64, 2), S, { startPs: 20 * US }),
        xfer(2, h(F64, 5), h(F64, 6), S),
      ],
      ops: [],
    };
    const r = runFlow(F64, program, { seed: 1 }, catalog, {
      seed: 1,
      maxTimePs: 50 * US,
      onProgress: (done, total, now) => calls.push([done, total, now]),
    });
    expect(r.completed).toBe(false);
    expect(r.simulatedPs).toBe(20 * US);
    expect(r.flows.map((f) => f.endPs)).toEqual([-1, -1, -1]);
    const bytesOn = (prefix: string) => r.links!.filter((s) => s.link.startsWith(prefix)).map((s) => s.bytes);
    expect(bytesOn('h0:')).toHaveLength(1);
    expect(bytesOn('h0:')[0]).toBeCloseTo(20 * US * c, 3);
    expect(bytesOn('h5:')[0]).toBeCloseTo(20 * US * c, 3);
    expect(invariant(r, 'bytes conserved').ok).toBe(true);
    expect(invariant(r, 'every task completed').ok).toBe(false);
    expect(calls.at(-1)).toEqual([0, 3, 20 * US]);
  });
});

describe('flow engine: ECMP collisions', () => {
  // h0 -> h16 and h1 -> h17: leaf0 to leaf1 over 16 equal-cost uplinks. Find seeds where the packet engine's
  // hash puts both on one uplink, and where it keeps them apart all the way.
  const src = [h(F64, 0), h(F64, 1)];
  const dst = [h(F64, 16), h(F64, 17)];
  const paths = (seed: number) => {
    const hs = flowHashes(seed, 2);
    return [0, 1].map((i) => ecmpPath(F64, src[i], dst[i], hs[i]));
  };
  const sharedLinks = (seed: number) => {
    const [a, b] = paths(seed);
    return a.filter((l) => b.includes(l)).length;
  };
  let colliding = 1;
  while (sharedLinks(colliding) === 0) colliding++;
  let apart = 1;
  while (sharedLinks(apart) > 0) apart++;
  const S = 4e6;
  const c = capOf(400e9);
  const program = [xfer(0, src[0], dst[0], S), xfer(1, src[1], dst[1], S)];

  it('two flows hashed onto one uplink get half the rate each; kept apart, each gets the full rate', () => {
    const lat = pathLatencyPs(F64, paths(colliding)[0], src[0]);
    const col = run(F64, program, colliding);
    for (const f of col.flows) expect((f.fctPs - lat) / (S / c)).toBeCloseTo(2, 6);
    const sep = run(F64, program, apart);
    for (const f of sep.flows) expect((f.fctPs - lat) / (S / c)).toBeCloseTo(1, 6);
    allInvariantsOk(col);
    allInvariantsOk(sep);
  });

  it('each flow takes the path ecmpIndex gives it: the shared uplink carries both flows', () => {
    const r = run(F64, program, colliding);
    const [a, b] = paths(colliding);
    const byLink = new Map(r.links!.map((s) => [s.link, s.bytes]));
    const na = pathNames(F64, a, src[0]);
    const nb = pathNames(F64, b, src[1]);
    expect(na.filter((n) => nb.includes(n)).length).toBeGreaterThan(0);
    for (const n of na) expect(byLink.get(n), n).toBeCloseTo(nb.includes(n) ? 2 * S : S, 3);
    expect(new Set([...na, ...nb]).size).toBe(byLink.size);
  });
});

describe('flow engine: link failures', () => {
  const S = 20e6;
  const c = capOf(400e9);
  const hash = flowHashes(1, 1)[0];
  const path = ecmpPath(F64, h(F64, 0), h(F64, 40), hash);
  const up = F64.links[path[1]]; // the leaf0 -> spine uplink the flow's hash picks
  const parallel = F64.links.filter((l) => l.a === up.a && l.b === up.b);
  const failure = {
    link: `${F64.nodes[up.a].name}-${F64.nodes[up.b].name}`,
    index: parallel.findIndex((l) => l.id === up.id),
    at: 10 * US,
  };
  const lat = pathLatencyPs(F64, path, h(F64, 0));
  const failedName = linkName(F64, up.id, up.a);

  it('a flow on a failed uplink stops, then moves to a live member after the detection delay', () => {
    const r = run(F64, [xfer(0, h(F64, 0), h(F64, 40), S)], 1, { failures: [failure], detectionDelay: '50us' });
    // Stopped from the failure until routing learns of it: FCT = standalone + detection delay.
    expect(Math.abs(r.flows[0].fctPs - (lat + S / c + 50 * US))).toBeLessThanOrEqual(3);
    const failed = r.links!.find((s) => s.link === failedName);
    // The failed uplink carried what was sent before the failure; another uplink carried the rest.
    const before = r.links!.filter((s) => s.tiers === 'leaf-spine' && s.link.startsWith('leaf0'));
    expect(before).toHaveLength(2);
    expect(failed?.bytes).toBeCloseTo(10 * US * c, 0);
    expect(before.reduce((a, s) => a + s.bytes, 0)).toBeCloseTo(S, 3);
    expect(r.completed).toBe(true);
    allInvariantsOk(r);
  });

  it('a link that fails and recovers before detection: the flow resumes on it when it is back', () => {
    const r = run(F64, [xfer(0, h(F64, 0), h(F64, 40), S)], 1, {
      failures: [{ ...failure, until: 30 * US }],
      detectionDelay: '50us',
    });
    expect(Math.abs(r.flows[0].fctPs - (lat + S / c + 20 * US))).toBeLessThanOrEqual(3);
    allInvariantsOk(r);
  });

  it('a flow starting after detection avoids the failed link from the start', () => {
    const r = run(F64, [xfer(0, h(F64, 0), h(F64, 40), S, { startPs: 100 * US })], 1, {
      failures: [failure],
      detectionDelay: '50us',
    });
    expect(Math.abs(r.flows[0].fctPs - (lat + S / c))).toBeLessThanOrEqual(3);
    expect(r.links!.some((s) => s.link === failedName)).toBe(false);
  });
});

describe('flow engine: determinism', () => {
  it('the same program and seed give the same result, all but the stats block', () => {
    const program = [
      ...ringProgram(F64, 16, 64e6).transfers,
      xfer(16, h(F64, 20), h(F64, 50), 5e6),
      xfer(17, h(F64, 21), h(F64, 50), 5e6, { startPs: 3 * US }),
    ];
    const a = run(F64, program, 7);
    const b = run(F64, program, 7);
    expect({ ...b, stats: null }).toEqual({ ...a, stats: null });
    allInvariantsOk(a);
  });
});

describe('flow engine: agrees with the packet engine where they overlap (docs/architecture.md: fidelities agree)', () => {
  // The packet engine's FCT ends when the sender sees the last ACK, the flow engine's when the last byte
  // arrives: they differ by the ACK's way back (a few us against hundreds), and by per-packet effects.
  const packet = (program: Transfer[]) =>
    runPacket(
      F64,
      { transfers: program, ops: [] },
      { seed: 1, network: networkSchema.parse({ cc: 'none' }) },
      catalog,
      {
        seed: 1,
      },
    );

  it('one 10 MB flow across the leaf-spine: FCTs within 2%', () => {
    const program = [xfer(0, h(F64, 0), h(F64, 40), 10e6)];
    const f = run(F64, program).flows[0].fctPs;
    const p = packet(program).flows[0].fctPs;
    expect(Math.abs(f - p) / p, `flow ${f} ps, packet ${p} ps`).toBeLessThan(0.02);
  });

  it('a 4-to-1 incast of 4 MB (PFC, no congestion control): the last completion within 2%', () => {
    const program = Array.from({ length: 4 }, (_, i) => xfer(i, h(F64, 20 + i), h(F64, 0), 4e6));
    const f = Math.max(...run(F64, program).flows.map((x) => x.endPs));
    const p = Math.max(...packet(program).flows.map((x) => x.endPs));
    expect(Math.abs(f - p) / p, `flow ${f} ps, packet ${p} ps`).toBeLessThan(0.02);
  });
});

describe('flow engine: against a brute-force fluid reference', () => {
  /**
   * The same model written the slow, obvious way: at every event, max-min rates by progressive filling over
   * every active flow from scratch, then time advances to the next start or drain.
   */
  function reference(f: Fabric, flows: Transfer[], seed: number): number[] {
    const hs = flowHashes(seed, flows.length);
    const paths = flows.map((x, i) => {
      let at = x.src as number;
      return ecmpPath(f, x.src, x.dst, hs[i]).map((l) => {
        const dir = f.links[l].a === at ? 2 * l : 2 * l + 1;
        at = f.peer(l as never, at as NodeId);
        return dir;
      });
    });
    const lat = flows.map((x, i) => Math.ceil(pathLatencyPs(f, ecmpPath(f, x.src, x.dst, hs[i]), x.src)));
    const cap = (d: number) => capOf(f.links[d >> 1].rateBps);
    const rem = flows.map((x) => x.bytes);
    const end = flows.map(() => -1);
    let t = 0;
    for (;;) {
      const active = flows.map((_, i) => i).filter((i) => flows[i].startPs <= t && end[i] < 0);
      const rate = new Map<number, number>();
      const res = new Map<number, number>();
      for (const i of active) for (const d of paths[i]) res.set(d, cap(d));
      let open = [...active];
      while (open.length > 0) {
        let best = Number.POSITIVE_INFINITY;
        for (const [d, r] of res) {
          const n = open.filter((i) => paths[i].includes(d)).length;
          if (n > 0) best = Math.min(best, r / n);
        }
        const frozen = open.filter((i) =>
          paths[i].some((d) => res.get(d)! / open.filter((j) => paths[j].includes(d)).length <= best * (1 + 1e-12)),
        );
        for (const i of frozen) rate.set(i, best);
        for (const i of frozen) for (const d of paths[i]) res.set(d, res.get(d)! - best);
        open = open.filter((i) => !frozen.includes(i));
      }
      let next = Number.POSITIVE_INFINITY;
      for (const x of flows) if (x.startPs > t) next = Math.min(next, x.startPs);
      for (const i of active) next = Math.min(next, t + rem[i] / rate.get(i)!);
      if (!Number.isFinite(next)) break;
      for (const i of active) {
        rem[i] -= rate.get(i)! * (next - t);
        if (rem[i] <= 1e-6 * flows[i].bytes) end[i] = next;
      }
      t = next;
    }
    return end.map((e, i) => e + lat[i] - flows[i].startPs);
  }

  it.each([1, 2, 3, 4, 5])('random churn of 30 flows among 12 hosts on two leaves (seed %i): FCTs match', (seed) => {
    let s = seed * 7919;
    const rnd = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const hostsUsed = [0, 1, 2, 3, 4, 5, 16, 17, 18, 19, 20, 21];
    const flows: Transfer[] = [];
    for (let i = 0; i < 30; i++) {
      const a = hostsUsed[Math.floor(rnd() * 12)];
      let b = hostsUsed[Math.floor(rnd() * 12)];
      if (b === a) b = hostsUsed[(hostsUsed.indexOf(a) + 1) % 12];
      flows.push(
        xfer(i, h(F64, a), h(F64, b), Math.round(1e5 + rnd() * 3e6), { startPs: Math.round(rnd() * 100 * US) }),
      );
    }
    const r = run(F64, flows, seed);
    const want = reference(F64, flows, seed);
    r.flows.forEach((x, i) => {
      expect(Math.abs(x.fctPs - want[i]), `flow ${i}: ${x.fctPs} vs ${want[i]}`).toBeLessThanOrEqual(
        1e-6 * want[i] + 100,
      );
    });
    // Not vacuous: many flows were slowed by others, at several different shares.
    expect(r.flows.filter((x) => x.slowdown > 1.2).length).toBeGreaterThan(5);
    allInvariantsOk(r);
  });
});

describe('flow engine: traffic classes (network.classes, issue 18)', () => {
  // Two flows of S into h0 (one downlink of capacity c): items 0 and 1, each in its own class.
  const S = 4e6;
  const c = capOf(400e9);
  const lat = pathLatencyPs(F64, ecmpPath(F64, h(F64, 1), h(F64, 0), 0), h(F64, 1));
  const two = (classes: Record<string, unknown>, names: [string, string]) => {
    const p: TrafficProgram = {
      transfers: [xfer(0, h(F64, 1), h(F64, 0), S, { item: 0 }), xfer(1, h(F64, 2), h(F64, 0), S, { item: 1 })],
      ops: [],
      itemClass: names,
    };
    return run(F64, p, 1, { classes });
  };
  const end = (r: Result, i: number) => (r.flows[i].endPs - lat) / (S / c);

  it('equal classes: c/2 each, both end at 2 S/c', () => {
    const r = two({ a: {}, b: {} }, ['a', 'b']);
    expect(end(r, 0)).toBeCloseTo(2, 6);
    expect(end(r, 1)).toBeCloseTo(2, 6);
    allInvariantsOk(r);
  });

  it('strict priority: the higher class takes c (ends at S/c), the lower gets the residual, then c (2 S/c)', () => {
    const r = two({ hi: { priority: 5 }, lo: { priority: 1 } }, ['lo', 'hi']);
    expect(end(r, 1)).toBeCloseTo(1, 6);
    expect(end(r, 0)).toBeCloseTo(2, 6);
    allInvariantsOk(r);
  });

  it('weights 3:1 in one level: the heavier sends S at 3c/4 (4/3 S/c), the lighter ends at 2 S/c', () => {
    const r = two({ big: { weight: 3 }, small: { weight: 1 } }, ['big', 'small']);
    expect(end(r, 0)).toBeCloseTo(4 / 3, 6);
    expect(end(r, 1)).toBeCloseTo(2, 6);
    allInvariantsOk(r);
  });
});
